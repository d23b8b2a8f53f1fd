package io.maas.testkit;

import io.maas.platform.EmbeddedKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives a test class a real Kafka broker, started once per test JVM and shared: a
 * Testcontainers {@link KafkaContainer} where Docker runs, the {@link EmbeddedKafka} KRaft
 * broker otherwise. {@code -Dmaas.kafka=embedded|testcontainers} forces one. Tests inject
 * {@link TestKafka} as a parameter and use unique topic and group names
 * ({@link TestKafka#unique(String)}).
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaExtension.class);
  private static final String KEY = "maas.kafka.broker";

  @Override
  public void beforeAll(ExtensionContext context) {
    broker(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker(context).kafka;
  }

  private static Broker broker(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KEY, key -> Broker.start(), Broker.class);
  }

  /** Lives in the root store: closed once, when the test JVM is done. */
  static final class Broker implements ExtensionContext.Store.CloseableResource {

    final TestKafka kafka;
    private final AutoCloseable resource;
    private final Path dataDir;

    private Broker(TestKafka kafka, AutoCloseable resource, Path dataDir) {
      this.kafka = kafka;
      this.resource = resource;
      this.dataDir = dataDir;
    }

    static Broker start() {
      String mode = System.getProperty("maas.kafka", "auto");
      boolean docker =
          switch (mode) {
            case "embedded" -> false;
            case "testcontainers" -> true;
            case "auto", "" -> dockerAvailable();
            default ->
                throw new IllegalArgumentException(
                    "-Dmaas.kafka must be embedded, testcontainers or auto, got " + mode);
          };
      return docker ? container() : embedded();
    }

    private static Broker embedded() {
      try {
        Path dir = Files.createTempDirectory("maas-test-kafka-");
        EmbeddedKafka kafka = EmbeddedKafka.startEphemeral(dir);
        LOG.info("Tests run against the embedded Kafka broker at {}", kafka.bootstrapServers());
        return new Broker(new TestKafka(kafka.bootstrapServers(), "embedded"), kafka, dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static Broker container() {
      KafkaContainer container = new KafkaContainer(DockerImageName.parse(image()));
      container.start();
      LOG.info("Tests run against Kafka in a container at {}", container.getBootstrapServers());
      return new Broker(
          new TestKafka(container.getBootstrapServers(), "testcontainers"), container, null);
    }

    private static boolean dockerAvailable() {
      // Probing Docker without a socket or DOCKER_HOST only produces slow warnings.
      if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
        return false;
      }
      try {
        return DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException e) {
        return false;
      }
    }

    private static String image() {
      Properties props = new Properties();
      try (InputStream in = KafkaExtension.class.getResourceAsStream("/maas-testkit.properties")) {
        if (in != null) {
          props.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return props.getProperty("kafka.image", "apache/kafka:4.1.1");
    }

    @Override
    public void close() throws Exception {
      resource.close();
      if (dataDir != null) {
        try (Stream<Path> paths = Files.walk(dataDir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
