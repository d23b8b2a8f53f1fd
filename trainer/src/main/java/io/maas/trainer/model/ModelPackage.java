package io.maas.trainer.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs an exported SavedModel directory (with {@code maas-model.json} and
 * {@code maas-vocabulary.txt} beside {@code saved_model.pb}) as the {@code .tar.gz} the
 * registry takes: entries relative to the directory, regular files and folders only, sorted,
 * with a fixed timestamp so that the same model packs to the same bytes.
 */
public final class ModelPackage {

  /** The metadata file beside saved_model.pb. */
  public static final String METADATA = "maas-model.json";

  private ModelPackage() {}

  public static void pack(Path modelDir, Path archive) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(modelDir)) {
      paths = walk.filter(p -> !p.equals(modelDir)).sorted().toList();
    }
    Path parent = archive.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream file = Files.newOutputStream(archive);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path path : paths) {
        String name = modelDir.relativize(path).toString().replace('\\', '/');
        boolean directory = Files.isDirectory(path);
        TarArchiveEntry entry = new TarArchiveEntry(directory ? name + "/" : name);
        entry.setModTime(0);
        entry.setMode(directory ? 0755 : 0644);
        if (!directory) {
          entry.setSize(Files.size(path));
        }
        tar.putArchiveEntry(entry);
        if (!directory) {
          Files.copy(path, tar);
        }
        tar.closeArchiveEntry();
      }
    }
  }
}
