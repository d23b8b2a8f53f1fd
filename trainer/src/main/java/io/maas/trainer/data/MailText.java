package io.maas.trainer.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a text that may be an RFC 822 message: its header block ends at the first blank
 * line, the body follows it. A text whose first line is not a header field (nor an mbox
 * {@code From } line) is no message: it is all body, as the short texts producers send are.
 */
public final class MailText {

  /** A header field's name (printable ASCII but the colon) and its colon, or an mbox separator line. */
  private static final Pattern FIRST_LINE = Pattern.compile("^(From |[!-9;-~]+:)");

  private static final Pattern BLANK_LINE = Pattern.compile("\\r?\\n[ \\t]*\\r?\\n");

  /** A Subject field with its folded continuation lines. */
  private static final Pattern SUBJECT =
      Pattern.compile("(?im)^subject:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)");

  private MailText() {}

  /** Whether the text starts like a message's header block. */
  public static boolean looksLikeMessage(String text) {
    return FIRST_LINE.matcher(text).find();
  }

  /** The header block without the blank line; empty when the text is no message. */
  public static String headers(String text) {
    if (!looksLikeMessage(text)) {
      return "";
    }
    Matcher blank = BLANK_LINE.matcher(text);
    return blank.find() ? text.substring(0, blank.start()) : text;
  }

  /**
   * What follows the first blank line of a message (a message without one is all headers, its
   * body empty); the text itself when it is no message.
   */
  public static String body(String text) {
    if (!looksLikeMessage(text)) {
      return text;
    }
    Matcher blank = BLANK_LINE.matcher(text);
    return blank.find() ? text.substring(blank.end()) : "";
  }

  /** The value of the Subject field, unfolded and stripped; empty without one. */
  public static String subject(String text) {
    Matcher subject = SUBJECT.matcher(headers(text));
    return subject.find() ? subject.group(1).replaceAll("\\r?\\n[ \\t]+", " ").strip() : "";
  }

  /** The first {@code chars} characters (code points, as the graph's cap counts them). */
  public static String prefix(String text, int chars) {
    return cut(text, 0, chars);
  }

  /** {@code chars} characters (code points) from the {@code from}-th, fewer at the end of the text. */
  public static String cut(String text, int from, int chars) {
    int length = text.codePointCount(0, text.length());
    if (from <= 0 && chars >= length) {
      return text;
    }
    int start = text.offsetByCodePoints(0, Math.min(Math.max(0, from), length));
    int end =
        text.offsetByCodePoints(start, Math.min(chars, text.codePointCount(start, text.length())));
    return text.substring(start, end);
  }
}
