package io.maas.common.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Which build runs: the platform's one version (the Maven project version) and the source
 * revision it was built from ({@code -Dmaas.revision}, which {@code ./maas build} passes). Every
 * service shows it on {@code /health/live} and as {@code maas_build_info}; {@code ./maas version}
 * prints it by running this class.
 */
public record BuildInfo(String version, String revision) {

  private static final BuildInfo CURRENT = load();

  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo load() {
    Properties build = new Properties();
    try (InputStream in =
        BuildInfo.class.getResourceAsStream("/io/maas/common/metrics/build.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(
        coordinate(build, "version", "dev"), coordinate(build, "revision", "unknown"));
  }

  /** A value Maven filtered into {@code build.properties}, or the fallback when run from unfiltered sources. */
  private static String coordinate(Properties build, String key, String fallback) {
    String value = build.getProperty(key, "");
    return value.isBlank() || value.contains("${") ? fallback : value;
  }

  /** Prints {@code maas VERSION (revision REVISION)}. */
  public static void main(String[] args) {
    System.out.println("maas " + CURRENT.version() + " (revision " + CURRENT.revision() + ")");
  }
}
