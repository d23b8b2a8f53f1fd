package io.maas.model;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a model may be served through its Java path: its features signature fed by the Java
 * featurizer must give the probabilities of {@code serving_default}, within {@link #TOLERANCE}, on
 * the model's warm-up texts and on {@link #SAMPLE}, varied text (scripts, case mappings, emoji,
 * white space of all kinds, a text past the character cap, empty ones). A model that fails is
 * still served, through its graph.
 *
 * @param path          {@code java} or {@code graph}
 * @param reason        why the graph, null for java
 * @param texts         how many texts were compared (0 when the model has no Java path)
 * @param maxDifference the largest difference of a probability between the paths (NaN for none)
 */
public record PreprocessingCheck(String path, String reason, int texts, double maxDifference) {

  public static final double TOLERANCE = 1e-5;

  static final List<String> SAMPLE =
      List.of(
          "",
          "...!!! ???",
          "hello",
          "WIN a FREE cruise, click now!!!",
          "Re: [dev] Minutes of the release meeting attached, see you on Monday",
          "İstanbul'da ΟΔΟΣ ΟΔΟΣ. Straße, ǅemal, K-band, ﬁne print",
          "東京タワー 서울 مرحبا١٢٣ हिन्दी ½ ² Ⅻ",
          "emoji 😀 between 👍🏽words and 𝐌𝐚𝐭𝐡 𝟏𝟐",
          "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ ０１２ and a\u0301 combining e\u0308",
          "tab\tnew\nline\r\nnbsp\u00a0thin\u2009ideographic\u3000space",
          "lone \ud800 surrogate \udc00 halves",
          "Dear friend, your account $1,000,000 - reply now ".repeat(600));

  public boolean java() {
    return "java".equals(path);
  }

  /** Compares the paths; a model without a Java path gets {@code graph} with the reason. */
  public static PreprocessingCheck run(LoadedModel model, List<String> warmupTexts) {
    if (model.graphOnly() != null) {
      return new PreprocessingCheck("graph", model.graphOnly(), 0, Double.NaN);
    }
    List<String> texts = new ArrayList<>(warmupTexts);
    texts.addAll(SAMPLE);
    float[][] fromGraph;
    float[][] fromJava;
    try {
      fromGraph = model.predictFromText(texts);
      fromJava = model.predictFromFeatures(texts);
    } catch (RuntimeException e) {
      return new PreprocessingCheck(
          "graph", "the features signature failed: " + e.getMessage(), texts.size(), Double.NaN);
    }
    double max = 0;
    int worst = 0;
    for (int i = 0; i < texts.size(); i++) {
      if (fromJava[i].length != fromGraph[i].length) {
        return new PreprocessingCheck(
            "graph",
            "the features signature returns "
                + fromJava[i].length
                + " classes, not "
                + fromGraph[i].length,
            texts.size(),
            Double.NaN);
      }
      for (int c = 0; c < fromGraph[i].length; c++) {
        double d = Math.abs(fromGraph[i][c] - fromJava[i][c]);
        if (!(d <= max)) {
          max = d;
          worst = i;
        }
      }
    }
    if (!(max <= TOLERANCE)) {
      return new PreprocessingCheck(
          "graph",
          String.format(
              Locale.ROOT,
              "the Java featurizer's probabilities differ from the graph's by %.3g on text %d",
              max,
              worst),
          texts.size(),
          max);
    }
    return new PreprocessingCheck("java", null, texts.size(), max);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("path", path).put("textsCompared", texts);
    if (!Double.isNaN(maxDifference)) {
      json.put("maxDifference", maxDifference);
    }
    if (reason != null) {
      json.put("reason", reason);
    }
    return json;
  }
}
