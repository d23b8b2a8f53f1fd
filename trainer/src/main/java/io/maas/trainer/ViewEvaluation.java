package io.maas.trainer;

import io.maas.trainer.data.TextView;
import io.maas.trainer.eval.Evaluation;
import io.vertx.core.json.JsonObject;

/**
 * The model and the baseline on one view of the held-out messages.
 *
 * @param eceBefore the model's expected calibration error without its temperature
 * @param eceAfter  the same with it, as the exported model answers
 */
public record ViewEvaluation(
    TextView view,
    Evaluation model,
    Evaluation baseline,
    double eceBefore,
    double eceAfter,
    double confidenceBefore,
    double confidenceAfter,
    double baselineEce) {

  JsonObject toJson() {
    return model
        .toJson()
        .put("ece", RunReport.round(eceAfter))
        .put("eceBeforeCalibration", RunReport.round(eceBefore))
        .put("meanConfidence", RunReport.round(confidenceAfter))
        .put("meanConfidenceBeforeCalibration", RunReport.round(confidenceBefore));
  }
}
