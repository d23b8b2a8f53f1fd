package io.maas.common.profile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An unmodifiable set of lower-cased words that {@link TextDescriptors#of} can ask about a word
 * while it scans the text, without cutting the word out. The inference service looks up every
 * word of every request: with a substring and a string lookup per word the descriptors of a
 * 3 KB mail took a quarter of its model call on the 2-core benchmark machine, with this set half
 * as much. Membership of a word is by a 64-bit hash of it (FNV-1a over its chars) in an
 * open-addressing table at most half full: an unseen word passes for a known one with a
 * probability of about one in 10^14 for a 100,000-word vocabulary, which a share can afford.
 *
 * <p>The set holds three arrays of primitives and no object per word: the words' UTF-8 bytes end
 * to end (read back only when the set is iterated), where each ends, and the hash table. A model
 * version keeps its vocabulary for as long as it serves, and 55,000 words as strings were 110,000
 * objects that the garbage collector of the inference service copied at each young collection for
 * about twenty seconds after every swap, until they were old enough to be promoted (#17); three
 * arrays are not copied, the larger ones not at all (G1 allocates them in old regions).
 */
public final class WordSet extends AbstractSet<String> {

  static final long SEED = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  /** Marks an empty slot; a word hashing to it is stored as {@link #ZERO_STANDIN}. */
  private static final long EMPTY = 0;

  private static final long ZERO_STANDIN = 1;

  private final byte[] utf8;
  private final int[] ends;
  private final long[] table;
  private final int mask;

  private WordSet(Collection<String> words) {
    int capacity = Integer.highestOneBit(Math.max(2, words.size()) * 2 - 1) << 1;
    table = new long[capacity];
    mask = capacity - 1;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int[] offsets = new int[words.size()];
    int size = 0;
    for (String word : words) {
      if (insert(stored(hash(word)))) {
        bytes.writeBytes(word.getBytes(StandardCharsets.UTF_8));
        offsets[size++] = bytes.size();
      }
    }
    utf8 = bytes.toByteArray();
    ends = Arrays.copyOf(offsets, size);
  }

  /** The words as given: they should be lower-cased already, as {@link TextDescriptors#words} makes them. */
  public static WordSet of(Collection<String> words) {
    return words instanceof WordSet set ? set : new WordSet(words);
  }

  /** One step of the hash; {@link TextDescriptors#of} runs it over a word's lower-cased chars as it reads them. */
  static long step(long h, char c) {
    return (h ^ c) * PRIME;
  }

  static long hash(String word) {
    long h = SEED;
    for (int i = 0; i < word.length(); i++) {
      h = step(h, word.charAt(i));
    }
    return h;
  }

  private static long stored(long h) {
    return h == EMPTY ? ZERO_STANDIN : h;
  }

  private int slot(long h) {
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** Adds a stored hash; false when it was there already (the same word given twice). */
  private boolean insert(long h) {
    int slot = slot(h);
    while (table[slot] != EMPTY) {
      if (table[slot] == h) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    table[slot] = h;
    return true;
  }

  /** Whether a word with this {@link #hash} is in the set. */
  boolean containsHash(long hash) {
    long h = stored(hash);
    for (int slot = slot(h); table[slot] != EMPTY; slot = (slot + 1) & mask) {
      if (table[slot] == h) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof String word && containsHash(hash(word));
  }

  @Override
  public int size() {
    return ends.length;
  }

  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < ends.length;
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int from = next == 0 ? 0 : ends[next - 1];
        return new String(utf8, from, ends[next++] - from, StandardCharsets.UTF_8);
      }
    };
  }
}
