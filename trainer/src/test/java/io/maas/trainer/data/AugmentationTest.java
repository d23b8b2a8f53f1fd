package io.maas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  private static final String BODY =
      "Dear friend, we are pleased to offer you a FREE cruise to the Bahamas. ".repeat(8)
          + "Click here to claim it now.";
  private static final String MAIL =
      "Return-Path: <x@spam.example>\nSubject: Your FREE cruise\nTo: you@example.com\n\n" + BODY;

  private static Example mail(String id, String text) {
    return new Example(id, text, "spam", Checksums.sha256(text));
  }

  @Test
  void aMessageGivesItsBodyCutsAndSubjectWithItsLabel() {
    List<Example> variants = Augmentation.variants(mail("spam-1/0001", MAIL), 42);

    assertThat(variants)
        .extracting(Example::id)
        .containsExactly(
            "spam-1/0001",
            "spam-1/0001#body",
            "spam-1/0001#body300",
            "spam-1/0001#body60",
            "spam-1/0001#window",
            "spam-1/0001#subject");
    assertThat(variants).extracting(Example::label).containsOnly("spam");
    assertThat(variants.get(0).text()).isEqualTo(MAIL);
    assertThat(variants.get(1).text()).isEqualTo(BODY);
    assertThat(variants.get(2).text()).isEqualTo(BODY.substring(0, 300));
    assertThat(variants.get(3).text()).isEqualTo(BODY.substring(0, 60));
    String window = variants.get(4).text();
    assertThat(window.length()).isBetween(Augmentation.MIN_WINDOW, Augmentation.MAX_WINDOW);
    assertThat(BODY).contains(window);
    assertThat(variants.get(5).text()).isEqualTo("Your FREE cruise");
    assertThat(variants)
        .allSatisfy(v -> assertThat(v.checksum()).isEqualTo(Checksums.sha256(v.text())));
  }

  @Test
  void theSameSeedGivesTheSameWindowsAndAnotherSeedOthers() {
    List<Example> mails = IntStream.range(0, 20).mapToObj(i -> mail("m-" + i, MAIL)).toList();

    assertThat(Augmentation.of(mails, 42)).isEqualTo(Augmentation.of(mails, 42));
    assertThat(Augmentation.of(mails, 42)).isNotEqualTo(Augmentation.of(mails, 7));
    // a message's variants do not depend on the messages around it
    assertThat(Augmentation.of(mails, 42).subList(6, 12))
        .isEqualTo(Augmentation.variants(mails.get(1), 42));
  }

  @Test
  void aShortTextWithoutHeadersIsNotRepeatedAndEmptyVariantsAreLeftOut() {
    assertThat(Augmentation.variants(mail("e-1", "WIN a FREE cruise"), 42))
        .extracting(Example::id)
        .containsExactly("e-1");
    assertThat(Augmentation.variants(mail("e-2", "Subject: hi\nTo: a@b.c\n\n  ...  \n"), 42))
        .extracting(Example::id)
        .containsExactly("e-2", "e-2#subject");
  }

  @Test
  void variantsOfHeldOutMessagesNeverReachTraining() {
    List<Example> mails =
        IntStream.range(0, 300)
            .mapToObj(
                i -> {
                  String text = MAIL.replace("Bahamas", "port " + i);
                  return new Example(
                      "m-" + i, text, i % 3 == 0 ? "ham" : "spam", Checksums.sha256(text));
                })
            .toList();
    Split split = Split.of(mails, 42, 0.2);
    List<String> heldOut = split.test().stream().map(Example::id).toList();
    List<Example> training = Augmentation.of(split.train(), 42);

    // each variant names its message, and every message
    // of the training side and no other has variants
    assertThat(training)
        .extracting(e -> e.id().replaceFirst("#.*", ""))
        .doesNotContainAnyElementsOf(heldOut)
        .containsAll(split.train().stream().map(Example::id).toList());
    assertThat(training).hasSizeGreaterThan(4 * split.train().size());
  }
}
