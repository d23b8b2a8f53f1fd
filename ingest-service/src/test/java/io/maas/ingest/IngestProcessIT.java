package io.maas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.ServiceProcess;
import io.maas.testkit.TestKafka;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service as its own process: what an operator sees at start-up and on SIGTERM. */
@ExtendWith(KafkaExtension.class)
class IngestProcessIT {

  @Test
  void invalidConfigurationStopsStartUpNamingTheVariable(@TempDir Path dir) {
    try (ServiceProcess service =
        ServiceProcess.start(
            Main.class,
            Map.of("MAAS_INGEST_PORT", "eighty", "MAAS_HOME", dir.toString()),
            dir.resolve("ingest.log"))) {

      assertThat(service.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(service.log())
          .contains(
              "ingest-service cannot start, its configuration is invalid: MAAS_INGEST_PORT must be a TCP port number "
                  + "between 1 and 65535, got 'eighty' (from environment)");
    }
  }

  @Test
  void sigtermStopsTheServiceCleanly(TestKafka kafka, @TempDir Path dir) throws Exception {
    // Ready means the deployments on maas.models have been read; the registry creates that topic.
    Testbed.ensureModelsTopic(kafka);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (ServiceProcess service =
        ServiceProcess.start(
            Main.class,
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "MAAS_INGEST_PORT", String.valueOf(port),
                "MAAS_GRPC_PORT", "0",
                "MAAS_HOME", dir.toString()),
            dir.resolve("ingest.log"))) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);

      service.terminate();

      int code = service.awaitExit(Duration.ofSeconds(40));
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
      assertThat(code).isEqualTo(143);
      assertThat(service.log())
          .contains("ingest-service stopped")
          .doesNotContain("did not stop cleanly");
    }
  }
}
