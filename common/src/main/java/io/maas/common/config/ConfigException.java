package io.maas.common.config;

/**
 * A configuration value is missing or malformed. The message names the variable and the
 * expected form, so that an operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {

  private final String variable;

  public ConfigException(String variable, String message) {
    super(message);
    this.variable = variable;
  }

  /** The environment variable (or file key) that holds the bad value. */
  public String variable() {
    return variable;
  }
}
