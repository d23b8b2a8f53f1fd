package io.maas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailTextTest {

  private static final String MAIL =
      """
      From someone@example.com  Thu Aug 22 12:36:23 2002
      Return-Path: <someone@example.com>
      Subject: Re: the release
        branch is green
      To: list@example.com

      Hi all,

      the notes are attached.
      """;

  @Test
  void theBodyStartsAfterTheFirstBlankLine() {
    assertThat(MailText.body(MAIL)).isEqualTo("Hi all,\n\nthe notes are attached.\n");
    assertThat(MailText.headers(MAIL)).startsWith("From someone").endsWith("To: list@example.com");
  }

  @Test
  void crlfAndWhitespaceOnlyBlankLinesSeparateToo() {
    assertThat(MailText.body("Subject: hi\r\nTo: a@b.c\r\n\r\nbody\r\n")).isEqualTo("body\r\n");
    assertThat(MailText.body("Subject: hi\n \t\nbody")).isEqualTo("body");
  }

  @Test
  void aTextThatIsNoMessageIsAllBody() {
    String event = "WIN a FREE cruise, click now!!!\n\nReply today.";
    assertThat(MailText.looksLikeMessage(event)).isFalse();
    assertThat(MailText.body(event)).isEqualTo(event);
    assertThat(MailText.headers(event)).isEmpty();
    assertThat(MailText.subject(event)).isEmpty();
    // a colon later in the first line does not make a header field
    assertThat(MailText.body("Meeting at 10: room 4\n\nsee you"))
        .isEqualTo("Meeting at 10: room 4\n\nsee you");
  }

  @Test
  void aMessageWithoutABlankLineHasNoBody() {
    assertThat(MailText.body("Subject: only headers\nTo: a@b.c")).isEmpty();
    assertThat(MailText.headers("Subject: only headers\nTo: a@b.c"))
        .isEqualTo("Subject: only headers\nTo: a@b.c");
  }

  @Test
  void theSubjectIsUnfolded() {
    assertThat(MailText.subject(MAIL)).isEqualTo("Re: the release branch is green");
    // a Subject line in the body is not the subject
    assertThat(MailText.subject("To: a@b.c\n\nSubject: not this")).isEmpty();
  }

  @Test
  void cutsCountCodePoints() {
    assertThat(MailText.prefix("😀😀abc", 3)).isEqualTo("😀😀a");
    assertThat(MailText.prefix("short", 300)).isEqualTo("short");
    assertThat(MailText.cut("abcdef", 2, 3)).isEqualTo("cde");
    assertThat(MailText.cut("abcdef", 4, 10)).isEqualTo("ef");
    assertThat(MailText.cut("abc", 10, 3)).isEmpty();
  }
}
