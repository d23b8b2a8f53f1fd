package io.maas.common.event;

import java.util.Locale;

/** Which slot of a deployment answered a request. */
public enum Role {
  PRODUCTION,
  CANARY,
  SHADOW;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromCode(String code) {
    for (Role role : values()) {
      if (role.code().equals(code)) {
        return role;
      }
    }
    throw new EventException(
        Reason.INVALID_FIELD,
        "field 'role' must be production, canary or shadow, got '" + code + "'");
  }
}
