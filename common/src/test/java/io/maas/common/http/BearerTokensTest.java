package io.maas.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

  @Test
  void acceptsOnlyAnAcceptedTokenSentAsBearer() {
    BearerTokens tokens = BearerTokens.of(List.of("first-token-0001", "second-token-002"));
    assertThat(tokens.accepts("Bearer first-token-0001")).isTrue();
    assertThat(tokens.accepts("Bearer second-token-002 ")).isTrue();
    assertThat(tokens.accepts("Bearer first-token-000")).isFalse();
    assertThat(tokens.accepts("Bearer first-token-00011")).isFalse();
    assertThat(tokens.accepts("first-token-0001")).isFalse();
    assertThat(tokens.accepts("Basic first-token-0001")).isFalse();
    assertThat(tokens.accepts("Bearer ")).isFalse();
    assertThat(tokens.accepts(null)).isFalse();
    assertThat(BearerTokens.of(List.of()).accepts("Bearer anything")).isFalse();
    assertThat(BearerTokens.of(List.of()).isEmpty()).isTrue();
  }
}
