package io.maas.trainer.data;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a held-out message looks like to the model: the whole message, its body alone, or the
 * first characters of its body (300, and 60, about a sentence), the kind of text producers send
 * as events.
 */
public enum TextView {
  WHOLE("whole", "whole messages", text -> text),
  BODY("body", "bodies", MailText::body),
  BODY_300(
      "body300",
      "first 300 characters of bodies",
      text -> MailText.prefix(MailText.body(text), Augmentation.BODY_PREFIX)),
  /** About a sentence: as long as the README's examples, the short end of what producers send. */
  BODY_60(
      "body60",
      "first 60 characters of bodies",
      text -> MailText.prefix(MailText.body(text), Augmentation.SHORT_PREFIX));

  private final String key;
  private final String description;
  private final UnaryOperator<String> view;

  TextView(String key, String description, UnaryOperator<String> view) {
    this.key = key;
    this.description = description;
    this.view = view;
  }

  /** The name in maas-model.json and in the evaluation table. */
  public String key() {
    return key;
  }

  public String description() {
    return description;
  }

  public String apply(String text) {
    return view.apply(text);
  }

  /** The examples as this view shows them, same ids and labels. */
  public List<Example> apply(List<Example> examples) {
    return examples.stream()
        .map(e -> new Example(e.id(), apply(e.text()), e.label(), e.checksum()))
        .toList();
  }
}
