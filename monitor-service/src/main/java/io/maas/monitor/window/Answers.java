package io.maas.monitor.window;

import io.maas.common.event.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest answers of one model by request id, so that answers to the same id can meet:
 * a canary's or shadow's with production's (agreement), and ground truth with the answer on
 * {@code maas.results} (realized accuracy). Whichever arrives first waits for the other. Holds at
 * most {@code capacity} ids, dropping the oldest: what meets later than that is not counted.
 * Not thread-safe.
 */
final class Answers {

  record Answer(int version, Role role, String label, long at) {}

  /** What is known of one id. */
  static final class Entry {
    Answer production;
    Answer result;
    String truth;
    List<Answer> challengers;
  }

  private final Map<String, Entry> byId;

  Answers(int capacity) {
    this.byId =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The entry of an id, made if new. */
  Entry entry(String id) {
    return byId.computeIfAbsent(id, k -> new Entry());
  }

  static void challenge(Entry entry, Answer challenger) {
    if (entry.challengers == null) {
      entry.challengers = new ArrayList<>(1);
    }
    entry.challengers.add(challenger);
  }

  int size() {
    return byId.size();
  }
}
