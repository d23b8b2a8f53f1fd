package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Loads one model version, blocking, on the {@link ModelManager}'s loader thread; the manager
 * decides when, and swaps what it loaded in (TF Serving keeps its loader apart from the swap
 * policy in the same way). {@link TensorFlowLoader} in production, a fake in the swap's unit tests.
 */
interface VersionLoader {

  /**
   * @param classes the class names, in the order of the model's probabilities
   * @param vocabulary the words the version was trained on, lower-cased; null when its artifact carries none
   */
  record Loaded(List<String> classes, Set<String> vocabulary, Predictor predictor) {}

  /** Downloads (unless cached), loads and warms up a version; a failure leaves nothing open. */
  Loaded load(String model, Role role, ModelDeployment.Slot slot) throws IOException;
}
