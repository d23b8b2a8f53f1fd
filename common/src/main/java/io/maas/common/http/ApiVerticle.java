package io.maas.common.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every service's HTTP API verticle: mounts health and metrics, lets the service add
 * its readiness procedures and routes, then listens on the service's port.
 */
public abstract class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  private final int port;
  private volatile int actualPort = -1;

  /** @param port the TCP port; 0 picks a free one (tests) */
  protected ApiVerticle(int port) {
    this.port = port;
  }

  /** Readiness procedures, beyond the event loop answering. */
  protected abstract void readiness(HealthChecks checks);

  /** The service's own routes. */
  protected abstract void routes(Router router);

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    readiness(Observability.mount(vertx, router));
    routes(router);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port)
        .onSuccess(server -> {
          actualPort = server.actualPort();
          LOG.info("{} listening on port {}", getClass().getSimpleName(), actualPort);
        })
        .map(HttpServer::actualPort);
  }

  /** The port the server listens on, once started. */
  public int actualPort() {
    return actualPort;
  }
}
