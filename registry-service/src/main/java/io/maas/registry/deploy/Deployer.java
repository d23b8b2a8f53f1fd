package io.maas.registry.deploy;

import io.maas.common.event.ModelDeployment;
import io.maas.registry.catalog.Catalog;
import io.maas.registry.catalog.ModelVersion;
import io.maas.registry.kafka.RegistryLog;
import io.vertx.core.Future;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes deployment revisions: the next revision of a model from what serves now, recorded on
 * {@code maas.registry} (the source of truth) and then published on {@code maas.models}. Used by
 * the deployment API and by rollouts, on the API verticle's event loop.
 */
public final class Deployer {

  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

  private final Catalog catalog;
  private final RegistryLog log;
  private final URI registryUrl;

  public Deployer(Catalog catalog, RegistryLog log, URI registryUrl) {
    this.catalog = catalog;
    this.log = log;
    this.registryUrl = registryUrl;
  }

  /** The URL inference instances download a version's artifact from. */
  public String artifactUrl(String model, int version) {
    return registryUrl + "/v1/models/" + model + "/versions/" + version + "/artifact";
  }

  /**
   * The model's next revision; the production history grows when production changes.
   *
   * @param canary  the canary's version, or null
   * @param weight  the canary's weight, with a canary
   * @param shadow  the shadow's version, or null
   * @param rollout the rollout that asks for it, or null
   */
  public Catalog.Deployment next(
      String model,
      int production,
      Integer canary,
      Double weight,
      Integer shadow,
      ModelDeployment.RolloutMark rollout) {
    Catalog.Deployment current = catalog.deployment(model).orElse(null);
    List<Integer> history =
        DeploymentRules.historyAfter(
            current == null ? List.of() : current.productionHistory(), production);
    ModelDeployment deployment =
        new ModelDeployment(
            model,
            DeploymentRules.nextRevision(current == null ? 0 : current.deployment().revision()),
            slot(model, production, null),
            canary == null ? null : slot(model, canary, weight),
            shadow == null ? null : slot(model, shadow, null),
            System.currentTimeMillis(),
            rollout);
    return new Catalog.Deployment(deployment, history);
  }

  /** Production back to the one before it, canary and shadow cleared; empty without an earlier production. */
  public Optional<Catalog.Deployment> previous(String model) {
    Catalog.Deployment current = catalog.deployment(model).orElse(null);
    if (current == null) {
      return Optional.empty();
    }
    return DeploymentRules.historyAfterRollback(current.productionHistory())
        .map(
            history ->
                new Catalog.Deployment(
                    new ModelDeployment(
                        model,
                        DeploymentRules.nextRevision(current.deployment().revision()),
                        slot(model, history.get(history.size() - 1), null),
                        null,
                        null,
                        System.currentTimeMillis()),
                    history));
  }

  /** Registry record first, then the broadcast; completes once both are acknowledged. */
  public Future<ModelDeployment> record(Catalog.Deployment deployment) {
    ModelDeployment d = deployment.deployment();
    return log.append(d.model() + "/deployment", deployment.toJson())
        .compose(v -> log.publish(d))
        .map(
            v -> {
              LOG.info(
                  "Deployed model {} revision {}: production {}, canary {}, shadow {}{}",
                  d.model(),
                  d.revision(),
                  d.production().version(),
                  d.canary() == null
                      ? "none"
                      : d.canary().version() + " (" + d.canary().weight() + ")",
                  d.shadow() == null ? "none" : d.shadow().version(),
                  d.rollout() == null
                      ? ""
                      : " (rollout " + d.rollout().id() + ", " + d.rollout().state() + ")");
              return d;
            });
  }

  private ModelDeployment.Slot slot(String model, int version, Double weight) {
    ModelVersion v = catalog.version(model, version).orElseThrow();
    return new ModelDeployment.Slot(version, artifactUrl(model, version), v.sha256(), weight);
  }
}
