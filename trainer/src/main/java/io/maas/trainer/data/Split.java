package io.maas.trainer.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deduplicated dataset split deterministically: an example goes to the test part when the
 * hash of {@code seed:id} falls in the test fraction, so a message stays on its side however
 * the dataset grows, and the same seed gives the same split.
 *
 * @param classes    class names, sorted; their index is the model's output index
 * @param train      the training part
 * @param test       the held-out part
 * @param duplicates examples dropped because their content appeared before
 */
public record Split(List<String> classes, List<Example> train, List<Example> test, int duplicates) {

  public static Split of(List<Example> examples, long seed, double testFraction) {
    if (testFraction <= 0 || testFraction >= 1) {
      throw new IllegalArgumentException("the test fraction must be between 0 and 1");
    }
    List<Example> sorted = new ArrayList<>(examples);
    sorted.sort(Comparator.comparing(Example::id));
    Set<String> seen = new HashSet<>();
    Set<String> ids = new HashSet<>();
    List<Example> train = new ArrayList<>();
    List<Example> test = new ArrayList<>();
    int duplicates = 0;
    for (Example example : sorted) {
      if (!ids.add(example.id())) {
        throw new DatasetException(
            "the dataset has two examples with the id '" + example.id() + "'");
      }
      if (!seen.add(example.checksum())) {
        duplicates++;
        continue;
      }
      (unit(seed, example.id()) < testFraction ? test : train).add(example);
    }
    Set<String> classes = new TreeSet<>();
    train.forEach(e -> classes.add(e.label()));
    test.forEach(e -> classes.add(e.label()));
    if (classes.size() < 2) {
      throw new DatasetException("the dataset needs at least two classes, it has " + classes);
    }
    return new Split(List.copyOf(classes), List.copyOf(train), List.copyOf(test), duplicates);
  }

  /** A number in [0, 1) from {@code seed:key}, the same on every machine. */
  public static double unit(long seed, String key) {
    MessageDigest sha = Checksums.digest("SHA-256");
    byte[] digest = sha.digest((seed + ":" + key).getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(digest).getLong() >>> 11;
    return bits / (double) (1L << 53);
  }

  public int classIndex(String label) {
    int index = classes.indexOf(label);
    if (index < 0) {
      throw new IllegalArgumentException("unknown class " + label);
    }
    return index;
  }

  /** Examples per class, in class order. */
  public static Map<String, Integer> balance(List<Example> examples) {
    Map<String, Integer> counts = new TreeMap<>();
    examples.forEach(e -> counts.merge(e.label(), 1, Integer::sum));
    return counts;
  }
}
