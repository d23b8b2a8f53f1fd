package io.maas.inference.kafka;

import io.maas.common.kafka.DeploymentWatcher;
import io.maas.common.kafka.KafkaClients;
import io.maas.inference.config.InferenceConfig;
import io.maas.inference.model.ModelManager;
import io.maas.inference.worker.InferenceMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Owns the serving machinery: the deployment watcher that feeds the model manager, the model
 * manager itself, and the pipeline thread. Stops the pipeline first, so that no batch runs on
 * a model being closed.
 */
public final class PipelineVerticle extends VerticleBase {

  private final InferenceConfig config;
  private final KafkaClients clients;
  private ModelManager models;
  private DeploymentWatcher watcher;
  private InferencePipeline pipeline;

  public PipelineVerticle(InferenceConfig config, KafkaClients clients) {
    this.config = config;
    this.clients = clients;
  }

  @Override
  public Future<?> start() {
    models = new ModelManager(vertx, config);
    models.onUnloaded(InferenceMetrics::forget);
    watcher = new DeploymentWatcher(clients, context, models::deploy);
    pipeline = new InferencePipeline(config, clients, models);
    watcher.start();
    pipeline.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(
        () -> {
          pipeline.close();
          watcher.close();
          models.close();
          return null;
        });
  }

  public ModelManager models() {
    return models;
  }

  public InferencePipeline pipeline() {
    return pipeline;
  }
}
