package io.maas.common.profile;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/**
 * Cheap descriptors of one request text, computed where the text is at hand (the inference
 * worker, the trainer's held-out split) so that the monitor can compare production traffic with
 * a version's training profile without ever reading texts. A word is a maximal run of letters
 * or digits, compared lower-cased.
 *
 * @param chars       length in UTF-16 chars
 * @param words       number of words
 * @param unseenWords share of words not in the version's training vocabulary; NaN when the
 *                    version has no vocabulary or the text no words
 * @param nonLetters  share of characters that are neither letters nor white space
 */
public record TextDescriptors(int chars, int words, double unseenWords, double nonLetters) {

  public static final String CHARS = "chars";
  public static final String WORDS = "words";
  public static final String UNSEEN_WORDS = "unseenWords";
  public static final String NON_LETTERS = "nonLetters";

  /** The bins every profile and the monitor use for each descriptor. */
  public static Distribution bins(String descriptor) {
    return switch (descriptor) {
      case CHARS ->
          new Distribution(
              new double[] {0, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600});
      case WORDS ->
          new Distribution(new double[] {0, 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560});
      case UNSEEN_WORDS, NON_LETTERS ->
          new Distribution(new double[] {0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 1.0});
      default -> throw new IllegalArgumentException("no descriptor " + descriptor);
    };
  }

  public static final java.util.List<String> NAMES =
      java.util.List.of(CHARS, WORDS, UNSEEN_WORDS, NON_LETTERS);

  private static final int LETTER = 1;
  private static final int WORD = 2;
  private static final int SPACE = 4;

  /** The classes of the ASCII characters, which most texts are made of. */
  private static final byte[] ASCII = new byte[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII[c] = (byte) classOf(c);
    }
  }

  private static int classOf(char c) {
    return (Character.isLetter(c) ? LETTER : 0)
        | (Character.isLetterOrDigit(c) ? WORD : 0)
        | (Character.isWhitespace(c) ? SPACE : 0);
  }

  /**
   * Runs for every request the inference service reads, beside its decoding: one pass,
   * a table for ASCII, and with a {@link WordSet} no substring per word (an ASCII word is hashed,
   * lower-cased, as it is read).
   *
   * @param vocabulary the version's training words, lower-cased; null when unknown
   */
  public static TextDescriptors of(String text, Set<String> vocabulary) {
    WordSet wordSet = vocabulary instanceof WordSet w ? w : null;
    int n = text.length();
    int words = 0;
    int unseen = 0;
    int nonLetters = 0;
    int start = -1;
    long hash = WordSet.SEED;
    boolean ascii = true;
    for (int i = 0; i <= n; i++) {
      char c = ' ';
      int kind = SPACE;
      if (i < n) {
        c = text.charAt(i);
        kind = c < 128 ? ASCII[c] : classOf(c);
        if ((kind & (LETTER | SPACE)) == 0) {
          nonLetters++;
        }
      }
      if ((kind & WORD) != 0) {
        if (start < 0) {
          start = i;
          hash = WordSet.SEED;
          ascii = true;
        }
        if (c < 128) {
          hash = WordSet.step(hash, c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        } else {
          ascii = false;
        }
      } else if (start >= 0) {
        words++;
        if (vocabulary != null
            && !(wordSet != null && ascii
                ? wordSet.containsHash(hash)
                // beyond ASCII, lower-casing may change the
                // length or depend on the context (final sigma)
                : vocabulary.contains(text.substring(start, i).toLowerCase(Locale.ROOT)))) {
          unseen++;
        }
        start = -1;
      }
    }
    double unseenShare = vocabulary == null || words == 0 ? Double.NaN : unseen / (double) words;
    return new TextDescriptors(n, words, unseenShare, n == 0 ? 0 : nonLetters / (double) n);
  }

  /** The words of a text as {@link #of} counts them, lower-cased (the trainer builds vocabularies with it). */
  public static void words(String text, java.util.function.Consumer<String> sink) {
    int n = text.length();
    int start = -1;
    for (int i = 0; i <= n; i++) {
      boolean wordChar = i < n && Character.isLetterOrDigit(text.charAt(i));
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        sink.accept(text.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
    }
  }

  /** The value of one descriptor by name. */
  public double value(String descriptor) {
    return switch (descriptor) {
      case CHARS -> chars;
      case WORDS -> words;
      case UNSEEN_WORDS -> unseenWords;
      case NON_LETTERS -> nonLetters;
      default -> throw new IllegalArgumentException("no descriptor " + descriptor);
    };
  }

  /** {@code {"chars":..,"words":..,"unseenWords":..,"nonLetters":..}}; unseenWords left out when NaN. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put(CHARS, chars).put(WORDS, words);
    if (!Double.isNaN(unseenWords)) {
      json.put(UNSEEN_WORDS, round(unseenWords));
    }
    return json.put(NON_LETTERS, round(nonLetters));
  }

  public static TextDescriptors fromJson(JsonObject json) {
    Number unseen = (Number) json.getValue(UNSEEN_WORDS);
    return new TextDescriptors(
        json.getInteger(CHARS, 0),
        json.getInteger(WORDS, 0),
        unseen == null ? Double.NaN : unseen.doubleValue(),
        json.getDouble(NON_LETTERS, 0.0));
  }

  private static double round(double share) {
    return Math.round(share * 10_000) / 10_000.0;
  }
}
