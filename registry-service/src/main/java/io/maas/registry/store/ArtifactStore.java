package io.maas.registry.store;

import io.maas.common.io.Digests;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Artifacts stored by content: {@code blobs/<sha256>.tar.gz} under the registry directory,
 * written once (to {@code uploads/} first, then moved) and forced to disk before a version is
 * acknowledged. All methods block: call them from worker threads.
 */
public final class ArtifactStore {

  private final Path blobs;
  private final Path uploads;

  public ArtifactStore(Path directory) {
    this.blobs = directory.resolve("blobs");
    this.uploads = directory.resolve("uploads");
  }

  public void init() throws IOException {
    Files.createDirectories(blobs);
    Files.createDirectories(uploads);
  }

  /** A fresh path in {@code uploads/} for an incoming archive. */
  public Path newUpload() {
    return uploads.resolve(UUID.randomUUID() + ".upload");
  }

  /** A fresh folder in {@code uploads/} to unpack into. */
  public Path newWorkDir() throws IOException {
    return Files.createDirectories(uploads.resolve(UUID.randomUUID() + ".d"));
  }

  public static String sha256(Path file) throws IOException {
    return Digests.sha256Hex(file);
  }

  /** Moves an upload to its content address, durably; an identical blob already there wins. */
  public Path commit(Path upload, String sha256) throws IOException {
    Path target = blob(sha256);
    if (Files.exists(target)) {
      Files.deleteIfExists(upload);
      return target;
    }
    try (FileChannel channel = FileChannel.open(upload, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(upload, target, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(blobs, StandardOpenOption.READ)) {
      // the rename is durable only once the directory is
      dir.force(true);
    }
    return target;
  }

  public Path blob(String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return blobs.resolve(sha256 + ".tar.gz");
  }
}
