package io.maas.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Training variants of a message, so that the model learns from the texts producers send and
 * not from headers they never send: the message itself, its body, the first 300 and the first 60
 * characters of its body, a short window of the body (20 to 200 characters from a random place)
 * and its subject. Variants without a letter or digit are left out, and so is a variant equal to one
 * already kept. Apply it after the split, to the training side only: a held-out message's
 * variants never reach training.
 */
public final class Augmentation {

  /** The cuts of the body that the evaluation also measures: a paragraph, and about a sentence. */
  public static final int BODY_PREFIX = 300;

  public static final int SHORT_PREFIX = 60;

  /** The variants' names, in the order {@link #variants} gives them (ids end in {@code #<name>}). */
  public static final List<String> VARIANTS =
      List.of("whole", "body", "body300", "body60", "window", "subject");

  static final int MIN_WINDOW = 20;
  static final int MAX_WINDOW = 200;
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]");

  private Augmentation() {}

  /** Every example's variants, in order, each labelled as its message; ids are {@code <id>#<variant>}. */
  public static List<Example> of(List<Example> examples, long seed) {
    List<Example> out = new ArrayList<>(examples.size() * 6);
    for (Example e : examples) {
      out.addAll(variants(e, seed));
    }
    return out;
  }

  /** The variants of one message; the same seed and id give the same window. */
  public static List<Example> variants(Example example, long seed) {
    List<Example> out = new ArrayList<>(6);
    out.add(example);
    String body = MailText.body(example.text());
    add(out, example, "body", body);
    add(out, example, "body300", MailText.prefix(body, BODY_PREFIX));
    add(out, example, "body60", MailText.prefix(body, SHORT_PREFIX));
    int length = body.codePointCount(0, body.length());
    if (length > MIN_WINDOW) {
      // a per-message generator, so that a message's window does not depend on the others
      Random random = new Random(Double.doubleToLongBits(Split.unit(seed, example.id())));
      int window = MIN_WINDOW + random.nextInt(MAX_WINDOW - MIN_WINDOW + 1);
      int from = window >= length ? 0 : random.nextInt(length - window + 1);
      add(out, example, "window", MailText.cut(body, from, window));
    }
    add(out, example, "subject", MailText.subject(example.text()));
    return out;
  }

  private static void add(List<Example> out, Example of, String variant, String text) {
    if (!WORD.matcher(text).find() || out.stream().anyMatch(e -> e.text().equals(text))) {
      return;
    }
    out.add(new Example(of.id() + "#" + variant, text, of.label(), Checksums.sha256(text)));
  }
}
