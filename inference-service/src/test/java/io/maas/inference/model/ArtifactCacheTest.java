package io.maas.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.maas.common.event.ModelDeployment;
import io.maas.common.io.Digests;
import io.maas.model.ModelException;
import io.maas.trainer.model.ModelPackage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact cache against a real HTTP server: downloaded once, checked against the
 * deployment's sha256, unpacked once; a wrong checksum or an error answer fails the load and
 * leaves nothing behind that a later load could take for the artifact.
 */
class ArtifactCacheTest {

  @TempDir Path home;
  @TempDir Path work;

  private HttpServer server;
  private final AtomicInteger downloads = new AtomicInteger();
  private byte[] artifact;

  @BeforeEach
  void serve() throws IOException {
    artifact = packed("{\"classes\":[\"ham\",\"spam\"]}");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/artifact",
        exchange -> {
          downloads.incrementAndGet();
          exchange.sendResponseHeaders(200, artifact.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(artifact);
          }
        });
    server.createContext(
        "/missing",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void downloadsChecksAndUnpacksOnceThenServesFromTheCache() throws Exception {
    ArtifactCache cache = new ArtifactCache(home);
    MessageDigest sha = Digests.sha256();
    sha.update(artifact);
    ModelDeployment.Slot slot = slot("/artifact", Digests.hex(sha));

    Path dir = cache.unpacked(slot, new CpuPacer(1.0));
    Path again = cache.unpacked(slot, new CpuPacer(1.0));

    assertThat(Files.readString(dir.resolve("maas-model.json"))).contains("spam");
    assertThat(again).isEqualTo(dir);
    assertThat(downloads).as("downloads").hasValue(1);
    assertThat(files("artifacts")).containsExactly(slot.sha256() + ".tar.gz");
  }

  @Test
  void anArtifactThatDoesNotMatchItsChecksumIsRefusedAndNotKept() throws IOException {
    ArtifactCache cache = new ArtifactCache(home);
    ModelDeployment.Slot slot = slot("/artifact", "0".repeat(64));

    assertThatThrownBy(() -> cache.unpacked(slot, new CpuPacer(1.0)))
        .isInstanceOfSatisfying(
            ModelException.class, e -> assertThat(e.reason()).isEqualTo("checksum_mismatch"))
        .hasMessageContaining("the deployment says " + "0".repeat(64));
    assertThat(files("artifacts")).as("nothing kept").isEmpty();
    assertThat(files("models")).isEmpty();
  }

  @Test
  void anErrorAnswerFailsTheDownloadAndLeavesNoPart() throws IOException {
    ArtifactCache cache = new ArtifactCache(home);
    ModelDeployment.Slot slot = slot("/missing", "1".repeat(64));

    assertThatThrownBy(() -> cache.unpacked(slot, new CpuPacer(1.0)))
        .isInstanceOfSatisfying(
            ModelException.class, e -> assertThat(e.reason()).isEqualTo("download_failed"))
        .hasMessageContaining("answered HTTP 404");
    assertThat(files("artifacts")).isEmpty();
  }

  private ModelDeployment.Slot slot(String path, String sha256) {
    return new ModelDeployment.Slot(
        1, "http://127.0.0.1:" + server.getAddress().getPort() + path, sha256, null);
  }

  /** The names in a folder of the cache; none when it does not exist. */
  private List<String> files(String sub) throws IOException {
    Path dir = home.resolve(sub);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.list(dir)) {
      return paths.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** An artifact as the trainer packs one, holding only its metadata file. */
  private byte[] packed(String metadata) throws IOException {
    Path model = Files.createDirectories(work.resolve("model"));
    Files.writeString(model.resolve(ModelPackage.METADATA), metadata);
    Path archive = work.resolve("model.tar.gz");
    ModelPackage.pack(model, archive);
    return Files.readAllBytes(archive);
  }
}
