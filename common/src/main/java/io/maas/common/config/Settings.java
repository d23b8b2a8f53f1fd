package io.maas.common.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Raw configuration values in three layers: built-in defaults, then an optional properties
 * file, then environment variables. Keys are the environment variable names everywhere
 * (`MAAS_INGEST_PORT=8080` in the file, too), so that one name is all an operator learns.
 *
 * <p>The file is named by {@value #CONFIG_FILE_VARIABLE}. Typed getters validate and throw
 * {@link ConfigException} with the variable, the expected form and where the value came from.
 */
public final class Settings {

  /** Environment variable that names the optional properties file. */
  public static final String CONFIG_FILE_VARIABLE = "MAAS_CONFIG_FILE";

  private static final Pattern HOST_PORT_LIST =
      Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}(,[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5})*");

  private final Map<String, String> values;
  private final Map<String, String> sources;

  private Settings(Map<String, String> values, Map<String, String> sources) {
    this.values = Map.copyOf(values);
    this.sources = Map.copyOf(sources);
  }

  /** Defaults, then the file named by {@value #CONFIG_FILE_VARIABLE} (if set), then the environment. */
  public static Settings load(Map<String, String> defaults, Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    Map<String, String> sources = new HashMap<>();
    defaults.forEach((k, v) -> put(values, sources, k, v, "default"));
    String file = environment.get(CONFIG_FILE_VARIABLE);
    if (file != null && !file.isBlank()) {
      readFile(Path.of(file)).forEach((k, v) -> put(values, sources, k, v, "file " + file));
    }
    environment.forEach((k, v) -> put(values, sources, k, v, "environment"));
    return new Settings(values, sources);
  }

  /** The process environment over the given defaults. */
  public static Settings fromEnvironment(Map<String, String> defaults) {
    return load(defaults, System.getenv());
  }

  private static void put(
      Map<String, String> values,
      Map<String, String> sources,
      String key,
      String value,
      String source) {
    if (value != null) {
      values.put(key, value.trim());
      sources.put(key, source);
    }
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(
          CONFIG_FILE_VARIABLE,
          CONFIG_FILE_VARIABLE
              + " names a file that cannot be read as KEY=value properties: "
              + file
              + " ("
              + e.getMessage()
              + ")");
    }
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
    return map;
  }

  /** A new view with these values on top (for tests and derived settings). */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> v = new HashMap<>(values);
    Map<String, String> s = new HashMap<>(sources);
    overrides.forEach((k, val) -> put(v, s, k, val, "override"));
    return new Settings(v, s);
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  public String string(String name) {
    return optional(name).orElseThrow(() -> new ConfigException(name, name + " must be set"));
  }

  public int integer(String name, int min, int max) {
    String raw = string(name);
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the expected form
    }
    throw invalid(name, "a whole number between " + min + " and " + max);
  }

  public long longValue(String name, long min, long max) {
    String raw = string(name);
    try {
      long value = Long.parseLong(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the expected form
    }
    throw invalid(name, "a whole number between " + min + " and " + max);
  }

  /** A decimal number in [min, max]. */
  public double decimal(String name, double min, double max) {
    String raw = string(name);
    try {
      double value = Double.parseDouble(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the expected form
    }
    throw invalid(name, "a number between " + min + " and " + max);
  }

  /** An ISO-8601 duration such as PT5M, in [min, max]. */
  public java.time.Duration duration(String name, java.time.Duration min, java.time.Duration max) {
    String raw = string(name);
    try {
      java.time.Duration value = java.time.Duration.parse(raw);
      if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
        return value;
      }
    } catch (java.time.format.DateTimeParseException ignored) {
      // reported below with the expected form
    }
    throw invalid(name, "an ISO-8601 duration between " + min + " and " + max + ", such as PT5M");
  }

  public boolean bool(String name) {
    String raw = string(name).toLowerCase(Locale.ROOT);
    return switch (raw) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw invalid(name, "true or false");
    };
  }

  /** A TCP port; 0 lets the system choose (tests). */
  public int port(String name) {
    String raw = string(name);
    try {
      int value = Integer.parseInt(raw);
      if (value >= 0 && value <= 65535) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the expected form
    }
    throw invalid(name, "a TCP port number between 1 and 65535");
  }

  /** An absolute http or https URL, without a trailing slash. */
  public URI httpUrl(String name) {
    String raw = string(name);
    try {
      URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below with the expected form
    }
    throw invalid(name, "an http(s) URL such as http://127.0.0.1:8081");
  }

  /** A comma-separated list of host:port pairs, as Kafka's bootstrap.servers takes it. */
  public String hostPortList(String name) {
    String raw = string(name).replace(" ", "");
    if (HOST_PORT_LIST.matcher(raw).matches()) {
      return raw;
    }
    throw invalid(name, "a comma-separated list of host:port pairs such as 127.0.0.1:9092");
  }

  public Path path(String name) {
    String raw = string(name);
    try {
      return Path.of(raw).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw invalid(name, "a file system path");
    }
  }

  /** One of the given choices, case-insensitive; returned lower-case. */
  public String choice(String name, String... choices) {
    String raw = string(name).toLowerCase(Locale.ROOT);
    for (String choice : choices) {
      if (choice.equals(raw)) {
        return choice;
      }
    }
    throw invalid(name, "one of " + String.join(", ", choices));
  }

  private ConfigException invalid(String name, String expected) {
    return new ConfigException(
        name,
        name
            + " must be "
            + expected
            + ", got '"
            + values.get(name)
            + "' (from "
            + sources.getOrDefault(name, "nowhere")
            + ")");
  }
}
