package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.maas.common.io.Digests;
import io.maas.common.io.FileTrees;
import io.maas.model.ModelArchive;
import io.maas.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Model artifacts on this machine: downloaded from the registry once, checked against the
 * deployment's sha256, kept under {@code artifacts/<sha256>.tar.gz} and unpacked once into
 * {@code models/<sha256>/} (marked {@code .complete}); instances sharing a MAAS_HOME share it.
 * Reads and writes go through the caller's {@link CpuPacer}. Blocking; for the loader thread.
 */
final class ArtifactCache {

  /** Bytes of an artifact read between two pauses of a paced load (a few ms of CPU). */
  static final int PACING_CHUNK = 128 * 1024;

  /*
   * HTTP/1.1, not the JDK client's default HTTP/2: over plain http it upgrades to h2c, which the
   * registry's server accepts, and a file sent over HTTP/2 is read and framed in the registry's
   * JVM (280-580 ms of its CPU per 16 MB artifact, with this client) rather than handed to the
   * kernel's sendfile (20-70 ms). On two cores that was the latency spike of a swap (DEPLOYING.md).
   */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Path directory;

  /** @param directory inference's state directory, {@code $MAAS_HOME/inference} */
  ArtifactCache(Path directory) {
    this.directory = directory;
  }

  /** The artifact's folder, downloaded and verified first when it is not cached. */
  Path unpacked(ModelDeployment.Slot slot, CpuPacer pacer) throws IOException {
    Path models = directory.resolve("models");
    Path dir = models.resolve(slot.sha256());
    if (Files.exists(dir.resolve(".complete"))) {
      return dir;
    }
    Path archive = download(slot, pacer);
    Path staging = Files.createDirectories(models).resolve(slot.sha256() + ".tmp-" + System.nanoTime());
    ModelArchive.unpack(pacer.paced(Files.newInputStream(archive), PACING_CHUNK), staging, ModelArchive.Limits.defaults());
    Files.writeString(staging.resolve(".complete"), slot.artifact());
    try {
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another load of the same artifact (another instance on this MAAS_HOME) finished first: its
      // copy is as good. Linux says so with a plain FileSystemException ("Directory not empty").
      if (!Files.exists(dir.resolve(".complete"))) {
        throw raced;
      }
      FileTrees.delete(staging);
    }
    return dir;
  }

  private Path download(ModelDeployment.Slot slot, CpuPacer pacer) throws IOException {
    Path artifacts = Files.createDirectories(directory.resolve("artifacts"));
    Path target = artifacts.resolve(slot.sha256() + ".tar.gz");
    if (Files.exists(target)) {
      return target;
    }
    Path part = artifacts.resolve(slot.sha256() + ".part-" + System.nanoTime());
    HttpRequest request = HttpRequest.newBuilder(URI.create(slot.artifact())).timeout(Duration.ofMinutes(5)).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading " + slot.artifact(), e);
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new ModelException("download_failed", "GET " + slot.artifact() + " answered HTTP " + response.statusCode());
    }
    MessageDigest sha = Digests.sha256();
    try (InputStream in = new DigestInputStream(pacer.paced(response.body(), PACING_CHUNK), sha)) {
      Files.copy(in, part);
    }
    String actual = Digests.hex(sha);
    if (!actual.equals(slot.sha256())) {
      Files.deleteIfExists(part);
      throw new ModelException("checksum_mismatch", "the artifact from " + slot.artifact() + " has sha256 " + actual
          + ", the deployment says " + slot.sha256());
    }
    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }
}
