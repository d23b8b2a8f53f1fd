package io.maas.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Model archives written entry by entry, for the tests of what unpacks them: hostile ones (paths
 * out of the folder, too many entries, too many bytes) as well as small valid ones. A real
 * trained archive comes from the trainer's {@code ModelPackage} instead.
 */
public final class TestArchives {

  /** Writes the entries of one archive. */
  public interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private TestArchives() {}

  /** A new {@code .tar.gz} file in {@code dir} holding the entries (long names as POSIX). */
  public static Path tarGz(Path dir, Entries entries) throws IOException {
    Path file = Files.createTempFile(dir, "archive-", ".tar.gz");
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entries.write(tar);
    }
    return file;
  }

  /** A regular file entry holding {@code content} in UTF-8. */
  public static void file(TarArchiveOutputStream tar, String name, String content)
      throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
