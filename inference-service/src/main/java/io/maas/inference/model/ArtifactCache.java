package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.maas.common.io.Digests;
import io.maas.common.io.FileTrees;
import io.maas.model.ModelArchive;
import io.maas.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Model artifacts on this machine: downloaded from the registry once, checked against the
 * deployment's sha256, kept under {@code artifacts/<sha256>.tar.gz} and unpacked once into
 * {@code models/<sha256>/} (marked {@code .complete}); instances sharing a MAAS_HOME share it.
 * Reads and writes go through the caller's {@link CpuPacer}. Blocking; for the loader thread.
 */
final class ArtifactCache {

  /** Bytes of an artifact read between two pauses of a paced load (a few ms of CPU). */
  static final int PACING_CHUNK = 128 * 1024;

  /** A registry that sends nothing for this long is given up on. */
  static final int READ_TIMEOUT_MILLIS = 60_000;

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
    Path staging =
        Files.createDirectories(models).resolve(slot.sha256() + ".tmp-" + System.nanoTime());
    ModelArchive.unpack(
        pacer.paced(Files.newInputStream(archive), PACING_CHUNK),
        staging,
        ModelArchive.Limits.defaults());
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
    // HttpURLConnection, not the JDK HttpClient: it reads on the calling thread, the loader at its
    // background priority, where the HttpClient reads on a selector thread of its own at the
    // serving threads' priority. And it speaks HTTP/1.1 over plain http, where the HttpClient
    // upgrades to h2c: a file sent over HTTP/2 is read and framed in the registry's JVM (280-580 ms
    // of its CPU per 16 MB artifact) rather than handed to the kernel's sendfile (20-70 ms). On two
    // cores both were felt as latency during a swap (DEPLOYING.md).
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(slot.artifact()).toURL().openConnection();
    connection.setConnectTimeout(10_000);
    connection.setReadTimeout(READ_TIMEOUT_MILLIS);
    MessageDigest sha = Digests.sha256();
    try {
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new ModelException(
            "download_failed", "GET " + slot.artifact() + " answered HTTP " + status);
      }
      try (InputStream in =
          new DigestInputStream(pacer.paced(connection.getInputStream(), PACING_CHUNK), sha)) {
        Files.copy(in, part);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    } finally {
      connection.disconnect();
    }
    String actual = Digests.hex(sha);
    if (!actual.equals(slot.sha256())) {
      Files.deleteIfExists(part);
      throw new ModelException(
          "checksum_mismatch",
          "the artifact from "
              + slot.artifact()
              + " has sha256 "
              + actual
              + ", the deployment says "
              + slot.sha256());
    }
    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }
}
