package io.maas.model.features;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.util.List;
import java.util.Locale;

/**
 * {@link Preprocessing} in Java: the same (text, bucket) pairs as {@link GraphPreprocessing}, in
 * the same order, without TensorFlow's string ops. One pass over each text's chars (copied once
 * into a reused array): an ASCII char is lower-cased and classified by table, any other code point
 * by {@link Character#toLowerCase(int)} and {@link Character#getType(int)}, which is what {@link
 * String#toLowerCase(Locale)} does with {@link Locale#ROOT} (and ICU's root locale) except for 'İ'
 * and 'Σ': a text with either is lower-cased as a whole first. Each word's UTF-8 bytes go into one
 * reused buffer and are hashed from there: no string, no regex and no boxing per word.
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
  private final long bucketMask;

  public WordFeaturizer(Preprocessing spec) {
    this.spec = spec;
    this.bucketMask = Long.bitCount(spec.buckets()) == 1 ? spec.buckets() - 1 : -1;
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
    return new Features(run.pairs.bucket(), run.pairs.document(), run.pairs.size(), texts.size());
  }

  /** The scratch of one call. */
  private final class Run {
    private char[] chars = new char[1024];
    private byte[] bytes = new byte[1024];
    private int length;
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private int words;
    private final TextBuckets pairs = new TextBuckets();

    void text(int d, String text) {
      words(text);
      int terms = spec.ngrams() == 2 ? 2 * words : words;
      pairs.beginText(terms);
      for (int w = 0; w < words; w++) {
        pairs.add(d, hash(starts[w], ends[w]));
      }
      if (spec.ngrams() == 2) {
        // the pair's bytes are already "first second" in the buffer: one space between words
        for (int w = 0; w + 1 < words; w++) {
          pairs.add(d, hash(starts[w], ends[w + 1]));
        }
      }
    }

    private long hash(int from, int to) {
      long fingerprint = FINGERPRINT.hashBytes(bytes, from, to - from).asLong();
      // the unsigned remainder, a mask when the bucket count is a power of two (the trainer's)
      return bucketMask >= 0
          ? fingerprint & bucketMask
          : Long.remainderUnsigned(fingerprint, spec.buckets());
    }

    /**
     * The text's words into {@link #bytes}, lower-cased, one space apart. The loop keeps its state
     * in locals, with room made beforehand: a text of n chars gives at most n bytes (a space only
     * where a char that is no letter or digit was) and at most n / 2 + 1 words.
     */
    private void words(String text) {
      int end = cut(text, spec.maxChars());
      if (chars.length < end) {
        chars = new char[Math.max(end, chars.length * 2)];
      }
      text.getChars(0, end, chars, 0);
      room(end);
      char[] in = chars;
      byte[] out = bytes;
      int[] from = starts;
      int[] to = ends;
      int len = 0;
      int count = 0;
      boolean inWord = false;
      for (int i = 0; i < end; i++) {
        char c = in[i];
        if (c >= 0x80) {
          wordsBeyondAscii(text, end);
          return;
        }
        if (ASCII_WORD[c]) {
          if (!inWord) {
            if (count > 0) {
              out[len++] = ' ';
            }
            from[count] = len;
            inWord = true;
          }
          out[len++] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        } else if (inWord) {
          to[count++] = len;
          inWord = false;
        }
      }
      if (inWord) {
        to[count++] = len;
      }
      length = len;
      words = count;
    }

    /** Room for the words of {@code n} chars: UTF-8 takes at most 3 bytes per char. */
    private void room(int n) {
      if (bytes.length < 3 * n) {
        bytes = new byte[Math.max(3 * n, bytes.length * 2)];
      }
      if (starts.length < n / 2 + 1) {
        starts = new int[Math.max(n / 2 + 1, starts.length * 2)];
        ends = new int[starts.length];
      }
    }

    /**
     * A text with other characters than ASCII, by code point. {@link String#toLowerCase(Locale)}
     * with {@link Locale#ROOT} maps each code point as {@link Character#toLowerCase(int)} does,
     * except 'İ' (to "i̇", two code points) and 'Σ' (to 'ς' at the end of a word): a text with
     * either is lower-cased as a whole first.
     */
    private void wordsBeyondAscii(String text, int end) {
      boolean special = false;
      for (int i = 0; i < end && !special; i++) {
        special = chars[i] == '\u0130' || chars[i] == '\u03a3';
      }
      if (special) {
        String lower = text.substring(0, end).toLowerCase(Locale.ROOT);
        end = lower.length();
        if (chars.length < end) {
          chars = new char[end];
        }
        lower.getChars(0, end, chars, 0);
        room(end);
      }
      char[] in = chars;
      int len = 0;
      int count = 0;
      boolean inWord = false;
      for (int i = 0; i < end; ) {
        char c = in[i++];
        int cp = c;
        if (Character.isHighSurrogate(c) && i < end && Character.isLowSurrogate(in[i])) {
          cp = Character.toCodePoint(c, in[i++]);
        }
        boolean word;
        if (cp < 0x80) {
          word = ASCII_WORD[cp];
          cp = cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
        } else {
          cp = special ? cp : Character.toLowerCase(cp);
          word = isLetterOrDigit(cp);
        }
        if (word) {
          if (!inWord) {
            if (count > 0) {
              bytes[len++] = ' ';
            }
            starts[count] = len;
            inWord = true;
          }
          len = putUtf8(bytes, len, cp);
        } else if (inWord) {
          ends[count++] = len;
          inWord = false;
        }
      }
      if (inWord) {
        ends[count++] = len;
      }
      length = len;
      words = count;
    }

    /** Writes {@code cp} as UTF-8 at {@code at}; where it ends. */
    private static int putUtf8(byte[] out, int at, int cp) {
      if (cp < 0x80) {
        out[at++] = (byte) cp;
      } else if (cp < 0x800) {
        out[at++] = (byte) (0xC0 | (cp >> 6));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out[at++] = (byte) (0xE0 | (cp >> 12));
        out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[at++] = (byte) (0xF0 | (cp >> 18));
        out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      }
      return at;
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
