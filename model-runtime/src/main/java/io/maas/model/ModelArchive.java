package io.maas.model;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a model archive ({@code .tar.gz} of a SavedModel directory with
 * {@code maas-model.json}) as if it were hostile: only regular files and folders, every name
 * inside the target folder, no links, no devices, and limits on entry count and unpacked size.
 * Reason codes: {@code not_gzip}, {@code not_tar}, {@code path_traversal}, {@code unsafe_link},
 * {@code unsupported_entry}, {@code archive_too_large}.
 */
public final class ModelArchive {

  /**
   * @param maxEntries       the most files and folders
   * @param maxUnpackedBytes the most bytes once unpacked
   */
  public record Limits(int maxEntries, long maxUnpackedBytes) {

    public static Limits defaults() {
      return new Limits(10_000, 2L * 1024 * 1024 * 1024);
    }
  }

  private ModelArchive() {}

  public static void unpack(Path archive, Path target, Limits limits) {
    try (InputStream in = Files.newInputStream(archive)) {
      unpack(in, target, limits);
    } catch (IOException e) {
      throw new ModelException(
          "not_tar", "the upload is not a readable .tar.gz: " + e.getMessage(), e);
    }
  }

  /** Unpacks a .tar.gz read from {@code archive}, which it closes, into {@code target}. */
  public static void unpack(InputStream archive, Path target, Limits limits) {
    Path root = target.toAbsolutePath().normalize();
    try (InputStream raw = new BufferedInputStream(archive)) {
      raw.mark(2);
      if (raw.read() != 0x1f || raw.read() != 0x8b) {
        throw new ModelException(
            "not_gzip", "the upload is not a gzip file (expected a .tar.gz of a SavedModel)");
      }
      raw.reset();
      Files.createDirectories(root);
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
        int entries = 0;
        long bytes = 0;
        TarArchiveEntry entry;
        while ((entry = nextEntry(tar)) != null) {
          if (++entries > limits.maxEntries()) {
            throw new ModelException(
                "archive_too_large",
                "the archive has more than " + limits.maxEntries() + " entries");
          }
          String name = entry.getName();
          Path out = root.resolve(name).normalize();
          if (name.startsWith("/") || Path.of(name).isAbsolute() || !out.startsWith(root)) {
            throw new ModelException(
                "path_traversal",
                "the archive entry '" + name + "' points outside the model folder");
          }
          if (entry.isSymbolicLink() || entry.isLink()) {
            Path linked = out.getParent().resolve(entry.getLinkName()).normalize();
            throw new ModelException(
                "unsafe_link",
                "the archive entry '"
                    + name
                    + "' is a link"
                    + (linked.startsWith(root)
                        ? ""
                        : " pointing outside the model folder (" + entry.getLinkName() + ")")
                    + "; a model archive holds regular files only");
          }
          if (entry.isDirectory()) {
            Files.createDirectories(out);
            continue;
          }
          if (!entry.isFile()
              || entry.isCharacterDevice()
              || entry.isBlockDevice()
              || entry.isFIFO()) {
            throw new ModelException(
                "unsupported_entry",
                "the archive entry '" + name + "' is not a regular file or folder");
          }
          bytes += entry.getSize();
          if (bytes > limits.maxUnpackedBytes()) {
            throw new ModelException(
                "archive_too_large",
                "the archive unpacks to more than " + limits.maxUnpackedBytes() + " bytes");
          }
          Files.createDirectories(out.getParent());
          try (OutputStream file = Files.newOutputStream(out)) {
            // copy at most the declared size: a lying header cannot blow past the limit
            long copied = tar.transferTo(file);
            if (copied != entry.getSize()) {
              throw new ModelException("not_tar", "the archive entry '" + name + "' is truncated");
            }
          }
        }
        if (entries == 0) {
          throw new ModelException("not_tar", "the gzip file holds no tar entries");
        }
      }
    } catch (IOException e) {
      throw new ModelException(
          "not_tar", "the upload is not a readable .tar.gz: " + e.getMessage(), e);
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelException(
          "not_tar", "the gzip file does not hold a valid tar archive: " + e.getMessage(), e);
    }
  }
}
