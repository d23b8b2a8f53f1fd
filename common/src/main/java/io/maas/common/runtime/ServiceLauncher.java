package io.maas.common.runtime;

import io.maas.common.config.ConfigException;
import io.maas.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's {@code main} does: load and validate configuration once, start Vert.x,
 * deploy the service's verticles in order, and on SIGTERM (or Ctrl-C) undeploy them so that
 * consumers close and producers flush. Exit codes: 2 for bad configuration, 1 for a failed start.
 */
public final class ServiceLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);
  private static final long SHUTDOWN_SECONDS = 30;

  /** Deploys a service's verticles, in order, on a running Vert.x. */
  @FunctionalInterface
  public interface Deployer<C> {
    Future<?> deploy(Vertx vertx, C config);
  }

  private ServiceLauncher() {}

  /**
   * @param service   name used in logs
   * @param defaults  the service's defaults, under the environment and config file
   * @param configure validates settings into the service's immutable config
   * @param deployer  deploys the verticles
   */
  @SafeVarargs
  public static <C> void launch(
      String service,
      Function<Settings, C> configure,
      Deployer<C> deployer,
      Map<String, String>... defaults) {
    Map<String, String> merged = new HashMap<>();
    for (Map<String, String> d : defaults) {
      merged.putAll(d);
    }
    C config;
    try {
      config = configure.apply(Settings.fromEnvironment(merged));
    } catch (ConfigException e) {
      LOG.error("{} cannot start, its configuration is invalid: {}", service, e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("{} starting with {}", service, config);
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(service, vertx), service + "-shutdown"));
    deployer
        .deploy(vertx, config)
        .onSuccess(v -> LOG.info("{} started", service))
        .onFailure(
            e -> {
              LOG.error("{} failed to start: {}", service, e.getMessage(), e);
              // exit from another thread: System.exit waits
              // for the shutdown hook, which closes Vert.x
              new Thread(() -> System.exit(1), service + "-exit").start();
            });
  }

  private static void stop(String service, Vertx vertx) {
    LOG.info("{} stopping: closing consumers and flushing producers", service);
    try {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      LOG.info("{} stopped", service);
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly within {} s: {}", service, SHUTDOWN_SECONDS, e.toString());
    }
  }
}
