package io.maas.common.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * The bearer tokens a service accepts, compared in constant time: each presented token is
 * hashed and compared with every accepted token's hash in full, so neither the time taken nor an
 * early exit tells a caller how much of a guess was right, or how long a token is.
 */
public final class BearerTokens {

  private static final String PREFIX = "Bearer ";

  private final List<byte[]> hashes;

  private BearerTokens(List<byte[]> hashes) {
    this.hashes = hashes;
  }

  public static BearerTokens of(Collection<String> tokens) {
    return new BearerTokens(tokens.stream().map(BearerTokens::sha256).toList());
  }

  public boolean isEmpty() {
    return hashes.isEmpty();
  }

  /** Whether an {@code Authorization} header value (may be null) carries an accepted token. */
  public boolean accepts(String authorization) {
    String presented =
        authorization != null && authorization.startsWith(PREFIX)
            ? authorization.substring(PREFIX.length()).trim()
            : "";
    byte[] hash = sha256(presented);
    boolean accepted = false;
    for (byte[] known : hashes) {
      accepted |= MessageDigest.isEqual(hash, known);
    }
    return accepted && !presented.isEmpty();
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
