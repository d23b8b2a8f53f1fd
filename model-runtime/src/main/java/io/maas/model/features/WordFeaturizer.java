package io.maas.model.features;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link Preprocessing} in Java: the same (text, bucket) pairs as {@link GraphPreprocessing}, in
 * the same order, without TensorFlow's string ops. One pass over each text: an ASCII text is
 * lower-cased and split as it is read, each word's UTF-8 bytes go into one reused buffer and are
 * hashed from there (no string, no boxing per word); a text with any other character is
 * lower-cased as a whole first ({@link String#toLowerCase(Locale)} with {@link Locale#ROOT}, which
 * maps like ICU's root locale: 'İ' to "i̇", a final 'Σ' to 'ς'), then read by code point.
 *
 * <p>Letters and digits are Java's ({@link Character#getType(int)}), the graph's are RE2's: the two
 * Unicode versions can differ on characters added since Java 17's Unicode 13. The registry and
 * the inference service therefore compare both paths on each version before serving this one
 * ({@code io.maas.model.ModelCheck}).
 *
 * <p>Thread-safe: each call keeps its own scratch.
 */
public final class WordFeaturizer {

  private static final HashFunction FINGERPRINT = Hashing.farmHashFingerprint64();

  /** Whether each ASCII character is a letter or a digit. */
  private static final boolean[] ASCII_WORD = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII_WORD[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
  }

  private final Preprocessing spec;

  public WordFeaturizer(Preprocessing spec) {
    this.spec = spec;
  }

  public Preprocessing spec() {
    return spec;
  }

  /**
   * The pairs of a batch: {@code bucket[i]} occurs in text {@code document[i]}; arrays may be
   * longer than {@code pairs}.
   */
  public record Features(long[] bucket, long[] document, int pairs, int texts) {}

  public Features featurize(List<String> texts) {
    Run run = new Run();
    for (int d = 0; d < texts.size(); d++) {
      run.text(d, texts.get(d));
    }
    return new Features(run.bucket, run.document, run.pairs, texts.size());
  }

  /** The scratch of one call. */
  private final class Run {
    private byte[] bytes = new byte[1024];
    private int length;
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private int words;
    private long[] bucket = new long[256];
    private long[] document = new long[256];
    private int pairs;
    private long[] keys = new long[0];
    private int[] marks = new int[0];
    private int mark;

    void text(int d, String text) {
      words(text);
      int terms = spec.ngrams() == 2 ? 2 * words : words;
      openSet(terms);
      for (int w = 0; w < words; w++) {
        add(d, hash(starts[w], ends[w]));
      }
      if (spec.ngrams() == 2) {
        // the pair's bytes are already "first second" in the buffer: one space between words
        for (int w = 0; w + 1 < words; w++) {
          add(d, hash(starts[w], ends[w + 1]));
        }
      }
    }

    private long hash(int from, int to) {
      long fingerprint = FINGERPRINT.hashBytes(bytes, from, to - from).asLong();
      return Long.remainderUnsigned(fingerprint, spec.buckets());
    }

    /** The text's words into {@link #bytes}, lower-cased, one space apart. */
    private void words(String text) {
      length = 0;
      words = 0;
      int end = cut(text, spec.maxChars());
      boolean inWord = false;
      for (int i = 0; i < end; i++) {
        char c = text.charAt(i);
        if (c >= 0x80) {
          wordsBeyondAscii(text.substring(0, end).toLowerCase(Locale.ROOT));
          return;
        }
        if (ASCII_WORD[c]) {
          if (!inWord) {
            beginWord();
            inWord = true;
          }
          put((byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
        } else if (inWord) {
          endWord();
          inWord = false;
        }
      }
      if (inWord) {
        endWord();
      }
    }

    private void wordsBeyondAscii(String lower) {
      length = 0;
      words = 0;
      boolean inWord = false;
      for (int i = 0; i < lower.length(); ) {
        int cp = lower.codePointAt(i);
        i += Character.charCount(cp);
        if (isLetterOrDigit(cp)) {
          if (!inWord) {
            beginWord();
            inWord = true;
          }
          putUtf8(cp);
        } else if (inWord) {
          endWord();
          inWord = false;
        }
      }
      if (inWord) {
        endWord();
      }
    }

    private void beginWord() {
      if (words > 0) {
        put((byte) ' ');
      }
      if (words == starts.length) {
        starts = Arrays.copyOf(starts, words * 2);
        ends = Arrays.copyOf(ends, words * 2);
      }
      starts[words] = length;
    }

    private void endWord() {
      ends[words++] = length;
    }

    private void put(byte b) {
      if (length == bytes.length) {
        bytes = Arrays.copyOf(bytes, length * 2);
      }
      bytes[length++] = b;
    }

    private void putUtf8(int cp) {
      if (cp < 0x80) {
        put((byte) cp);
      } else if (cp < 0x800) {
        put((byte) (0xC0 | (cp >> 6)));
        put((byte) (0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        put((byte) (0xE0 | (cp >> 12)));
        put((byte) (0x80 | ((cp >> 6) & 0x3F)));
        put((byte) (0x80 | (cp & 0x3F)));
      } else {
        put((byte) (0xF0 | (cp >> 18)));
        put((byte) (0x80 | ((cp >> 12) & 0x3F)));
        put((byte) (0x80 | ((cp >> 6) & 0x3F)));
        put((byte) (0x80 | (cp & 0x3F)));
      }
    }

    /** An empty set of buckets for a text of {@code terms} terms (open addressing, marked slots). */
    private void openSet(int terms) {
      int capacity = Integer.highestOneBit(Math.max(16, terms * 2 - 1)) << 1;
      if (capacity > keys.length) {
        keys = new long[capacity];
        marks = new int[capacity];
        mark = 0;
      }
      if (++mark == 0) {
        Arrays.fill(marks, 0);
        mark = 1;
      }
    }

    private void add(int d, long b) {
      int mask = keys.length - 1;
      int slot = (int) ((b * 0x9E3779B97F4A7C15L) >>> 40) & mask;
      while (marks[slot] == mark) {
        if (keys[slot] == b) {
          return;
        }
        slot = (slot + 1) & mask;
      }
      marks[slot] = mark;
      keys[slot] = b;
      if (pairs == bucket.length) {
        bucket = Arrays.copyOf(bucket, pairs * 2);
        document = Arrays.copyOf(document, pairs * 2);
      }
      bucket[pairs] = b;
      document[pairs++] = d;
    }
  }

  /** Where the first {@code maxChars} code points of {@code text} end (TensorFlow's UTF8_CHAR). */
  static int cut(String text, int maxChars) {
    int n = text.length();
    if (n <= maxChars) {
      return n;
    }
    int i = 0;
    for (int points = 0; points < maxChars && i < n; points++) {
      char c = text.charAt(i++);
      if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(text.charAt(i))) {
        i++;
      }
    }
    return i;
  }

  /** RE2's {@code \p{L}} or {@code \p{N}}, by Java's tables. */
  static boolean isLetterOrDigit(int cp) {
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER ->
          true;
      default -> false;
    };
  }
}
