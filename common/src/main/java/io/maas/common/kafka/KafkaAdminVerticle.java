package io.maas.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * Owns a service's admin client: provisions the topics the service owns on start, then keeps
 * {@link KafkaHealth} probing (the readiness check, and what ingest consults before publishing),
 * and closes the client on stop. Deploy it first.
 */
public final class KafkaAdminVerticle extends VerticleBase {

  private final KafkaClients clients;
  private final List<TopicSpec> ownedTopics;
  private Admin admin;
  private KafkaHealth health;

  public KafkaAdminVerticle(KafkaClients clients, List<TopicSpec> ownedTopics) {
    this.clients = clients;
    this.ownedTopics = List.copyOf(ownedTopics);
  }

  @Override
  public Future<?> start() {
    admin = clients.admin();
    health = new KafkaHealth(vertx, admin, clients.bootstrapServers());
    return provisioner()
        .ensure(vertx, ownedTopics)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot create topics "
                            + ownedTopics.stream().map(TopicSpec::name).toList()
                            + " on Kafka at "
                            + clients.bootstrapServers()
                            + ": "
                            + e.getMessage(),
                        e)))
        .compose(v -> health.start());
  }

  @Override
  public Future<?> stop() {
    health.stop();
    return vertx.executeBlocking(
        () -> {
          admin.close(Duration.ofSeconds(5));
          return null;
        });
  }

  public KafkaHealth health() {
    return health;
  }

  public TopicProvisioner provisioner() {
    return new TopicProvisioner(admin);
  }

  public Admin admin() {
    return admin;
  }
}
