package io.maas.monitor.window;

import io.maas.common.event.InferenceResult;
import io.maas.common.profile.ReferenceProfile;
import java.util.ArrayList;

/** A version's reference profile: the training one from the registry, or one built from its first answers. */
final class VersionProfile {
  ReferenceProfile profile;
  ReferenceProfile.Builder bootstrap;
  boolean asking;
  boolean answered;
  long retryAt;

  void bootstrap(InferenceResult r, double top, int needed) {
    if (profile != null && ReferenceProfile.TRAINING.equals(profile.source())) {
      return;
    }
    if (profile == null) {
      if (bootstrap == null) {
        bootstrap = new ReferenceProfile.Builder(new ArrayList<>(r.scores().keySet()));
      }
      bootstrap.add(r.label(), top, r.descriptors(), null);
      if (bootstrap.examples() >= needed) {
        profile = bootstrap.build(ReferenceProfile.PRODUCTION, false);
        bootstrap = null;
      }
    }
  }
}
