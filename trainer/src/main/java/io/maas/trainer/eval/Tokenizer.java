package io.maas.trainer.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The baseline's tokenizer, the same steps as the model's in-graph preprocessing: cap the
 * length, lower-case, turn every run of characters that are not letters or digits (of any
 * script) into a space, split on whitespace.
 */
public final class Tokenizer {

  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

  private Tokenizer() {}

  public static List<String> tokens(String text, int maxChars) {
    String capped =
        text.length() > maxChars
            ? text.substring(
                0,
                text.offsetByCodePoints(
                    0, Math.min(maxChars, text.codePointCount(0, text.length()))))
            : text;
    String cleaned = NOT_WORD.matcher(capped.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    return cleaned.isEmpty() ? List.of() : Arrays.asList(cleaned.split(" "));
  }
}
