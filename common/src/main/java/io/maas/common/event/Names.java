package io.maas.common.event;

import java.util.regex.Pattern;

/** The contract's rules for model names and request ids. */
public final class Names {

  private static final Pattern MODEL = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private Names() {}

  /** Model names match {@code [a-z0-9][a-z0-9-]{0,62}}. */
  public static boolean isValidModel(String model) {
    return model != null && MODEL.matcher(model).matches();
  }

  /** Request ids are 1-128 printable ASCII characters, without spaces. */
  public static boolean isValidRequestId(String id) {
    return id != null && REQUEST_ID.matcher(id).matches();
  }

  public static String requireModel(String model) {
    if (!isValidModel(model)) {
      throw new EventException(
          Reason.INVALID_MODEL,
          "model name must match [a-z0-9][a-z0-9-]{0,62}, got '" + model + "'");
    }
    return model;
  }

  public static String requireRequestId(String id) {
    if (!isValidRequestId(id)) {
      throw new EventException(
          Reason.INVALID_ID, "request id must be 1-128 printable ASCII characters without spaces");
    }
    return id;
  }
}
