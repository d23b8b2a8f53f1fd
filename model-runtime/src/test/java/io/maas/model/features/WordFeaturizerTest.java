package io.maas.model.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.testkit.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** The Java featurizer gives the graph's pairs, in the graph's order, text for text. */
class WordFeaturizerTest {

  static final List<String> EDGES =
      List.of(
          "",
          "!!! ... ???",
          "hello",
          "WIN a FREE cruise, click now!!!",
          "Minutes of the release meeting attached",
          "spam spam SPAM Spam",
          "İstanbul'da ΟΔΟΣ ΟΔΟΣ. Straße, ǅemal, K-band, ﬁne",
          "東京タワー 서울 مرحبا١٢٣ हिन्दी ½ ² Ⅻ ௰",
          "emoji 😀 between 👍🏽words and 𝐌𝐚𝐭𝐡 𝟏𝟐",
          "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ ０１２",
          "tab\tnew\nline\r\nnbsp\u00a0thin\u2009ideographic\u3000space",
          "lone \ud800 surrogate \udc00 halves",
          "a\u0301 combining e\u0308 marks",
          "x".repeat(30) + " " + "long".repeat(10));

  @Test
  void equalsTheGraphOnEdgeCasesAndRealMail(@TempDir Path dir) throws IOException {
    List<String> texts = new ArrayList<>(EDGES);
    for (String line : Files.readAllLines(Fixtures.copy(Fixtures.SPAM_SAMPLE, dir))) {
      texts.add(new JsonObject(line).getString("text"));
    }
    for (int ngrams = 1; ngrams <= 2; ngrams++) {
      assertSameAsGraph(new Preprocessing(20_000, 1 << 18, ngrams), texts);
    }
  }

  @Test
  void cutsWhereTheGraphCuts() {
    // the cut falls inside words, inside a surrogate pair and inside a word being lower-cased
    List<String> texts =
        List.of(
            "abcdefghij klmnopqrstuvwxyz",
            "ab😀cdefgh ijk",
            "😀😀😀😀😀😀😀😀😀😀😀😀",
            "ΣΣΣΣΣΣΣΣ ΣΣΣΣ",
            "İİİİİİİİİİİİ",
            "short");
    for (int max = 1; max <= 12; max++) {
      assertSameAsGraph(new Preprocessing(max, 1 << 18, 2), texts);
    }
  }

  @Test
  void equalsTheGraphOnRandomText() {
    // code points drawn from ASCII, Latin, Greek, Cyrillic, combining marks, CJK, emoji and
    // punctuation, so that words, separators and case mappings of many scripts meet
    int[][] ranges = {
      {0x20, 0x7e}, {0xa0, 0x24f}, {0x300, 0x36f}, {0x370, 0x3ff}, {0x400, 0x4ff},
      {0x2000, 0x206f}, {0x2150, 0x218f}, {0x4e00, 0x4e80}, {0xff00, 0xffef}, {0x1f300, 0x1f64f}
    };
    Random random = new Random(42);
    List<String> texts = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(120);
      for (int i = 0; i < length; i++) {
        int[] range = ranges[random.nextInt(ranges.length)];
        text.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        if (random.nextInt(5) == 0) {
          text.append(' ');
        }
      }
      texts.add(text.toString());
    }
    assertSameAsGraph(new Preprocessing(20_000, 1 << 18, 2), texts);
    assertSameAsGraph(new Preprocessing(50, 1 << 10, 1), texts);
  }

  @Test
  void aWordCountsOncePerTextAndTextsWithoutWordsHaveNoPairs() {
    WordFeaturizer.Features f =
        new WordFeaturizer(new Preprocessing(20_000, 1 << 18, 1))
            .featurize(List.of("spam Spam SPAM", "...", "", "ham eggs ham"));
    assertThat(f.texts()).isEqualTo(4);
    assertThat(f.pairs()).isEqualTo(3);
    assertThat(List.of(f.document()[0], f.document()[1], f.document()[2]))
        .containsExactly(0L, 3L, 3L);
  }

  static void assertSameAsGraph(Preprocessing spec, List<String> texts) {
    WordFeaturizer.Features java = new WordFeaturizer(spec).featurize(texts);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TString> input =
          tf.placeholder(TString.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
      GraphPreprocessing.Pairs pairs = GraphPreprocessing.pairs(tf, input, spec);
      try (Session session = new Session(graph);
          TString feed = TString.vectorOf(texts.toArray(String[]::new));
          Result result =
              session
                  .runner()
                  .feed(input, feed)
                  .fetch(pairs.document())
                  .fetch(pairs.bucket())
                  .run()) {
        TInt64 document = (TInt64) result.get(0);
        TInt64 bucket = (TInt64) result.get(1);
        List<List<Long>> graphPerText = perText(texts.size());
        for (long i = 0; i < bucket.size(); i++) {
          graphPerText.get((int) document.getLong(i)).add(bucket.getLong(i));
        }
        List<List<Long>> javaPerText = perText(texts.size());
        for (int i = 0; i < java.pairs(); i++) {
          javaPerText.get((int) java.document()[i]).add(java.bucket()[i]);
        }
        for (int t = 0; t < texts.size(); t++) {
          assertThat(javaPerText.get(t))
              .as("text %d %s, %s", t, abbreviate(texts.get(t)), spec)
              .containsExactlyElementsOf(graphPerText.get(t));
        }
        assertThat(java.pairs()).isEqualTo(bucket.size());
      }
    }
  }

  private static List<List<Long>> perText(int texts) {
    List<List<Long>> out = new ArrayList<>();
    for (int t = 0; t < texts; t++) {
      out.add(new ArrayList<>());
    }
    return out;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? '"' + text + '"' : '"' + text.substring(0, 80) + "…\"";
  }
}
