package io.maas.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Committed test data every module can use (see fixtures/README.md in this jar). */
public final class Fixtures {

  /** 80 real SpamAssassin messages, 40 ham and 40 spam, as JSONL lines {"id","label","text"}. */
  public static final String SPAM_SAMPLE = "fixtures/spam-assassin-sample.jsonl";

  private Fixtures() {}

  /** Copies a fixture out of the class path into {@code dir}; its path there. */
  public static Path copy(String fixture, Path dir) {
    Path target = dir.resolve(Path.of(fixture).getFileName().toString());
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(fixture)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + fixture + " on the class path");
      }
      Files.createDirectories(dir);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
