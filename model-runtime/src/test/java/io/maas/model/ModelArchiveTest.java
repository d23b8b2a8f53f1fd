package io.maas.model;

import static io.maas.testkit.TestArchives.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.testkit.TestArchives;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArchiveTest {

  @TempDir Path dir;

  private Path archive(TestArchives.Entries entries) throws IOException {
    return TestArchives.tarGz(dir, entries);
  }

  private String reasonOf(Path archive, ModelArchive.Limits limits) {
    try {
      ModelArchive.unpack(archive, dir.resolve("out-" + System.nanoTime()), limits);
    } catch (ModelException e) {
      return e.reason();
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void unpacksPlainFilesAndFolders() throws Exception {
    Path archive =
        archive(
            tar -> {
              file(tar, "saved_model.pb", "pb");
              tar.putArchiveEntry(new TarArchiveEntry("variables/"));
              tar.closeArchiveEntry();
              file(tar, "variables/variables.index", "index");
            });
    Path out = dir.resolve("ok");

    ModelArchive.unpack(archive, out, ModelArchive.Limits.defaults());

    assertThat(out.resolve("saved_model.pb")).hasContent("pb");
    assertThat(out.resolve("variables/variables.index")).hasContent("index");
  }

  @Test
  void refusesWhatIsNotAGzippedTar() throws Exception {
    Path text = dir.resolve("model.tar.gz");
    Files.writeString(text, "this is not gzip");
    assertThat(reasonOf(text, ModelArchive.Limits.defaults())).isEqualTo("not_gzip");

    Path gzippedText = dir.resolve("text.gz");
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(gzippedText))) {
      out.write(
          "plain text, not a tar archive, long enough to fill a header block? no."
              .getBytes(StandardCharsets.UTF_8));
    }
    assertThat(reasonOf(gzippedText, ModelArchive.Limits.defaults())).isEqualTo("not_tar");
  }

  @Test
  void refusesEntriesEscapingTheFolder() throws Exception {
    assertThat(
            reasonOf(archive(tar -> file(tar, "../evil.sh", "x")), ModelArchive.Limits.defaults()))
        .isEqualTo("path_traversal");
    assertThat(
            reasonOf(
                archive(tar -> file(tar, "variables/../../evil.sh", "x")),
                ModelArchive.Limits.defaults()))
        .isEqualTo("path_traversal");
    assertThat(dir.getParent().resolve("evil.sh")).doesNotExist();
  }

  @Test
  void refusesLinks() throws Exception {
    Path escaping =
        archive(
            tar -> {
              TarArchiveEntry link = new TarArchiveEntry("saved_model.pb", TarConstants.LF_SYMLINK);
              link.setLinkName("/etc/passwd");
              tar.putArchiveEntry(link);
              tar.closeArchiveEntry();
            });
    assertThatThrownBy(
            () -> ModelArchive.unpack(escaping, dir.resolve("l"), ModelArchive.Limits.defaults()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("unsafe_link");
              assertThat(e.getMessage()).contains("pointing outside the model folder");
            });
  }

  @Test
  void refusesDevicesAndArchivesOverTheLimits() throws Exception {
    Path device =
        archive(
            tar -> {
              TarArchiveEntry entry = new TarArchiveEntry("dev", TarConstants.LF_CHR);
              tar.putArchiveEntry(entry);
              tar.closeArchiveEntry();
            });
    assertThat(reasonOf(device, ModelArchive.Limits.defaults())).isEqualTo("unsupported_entry");

    Path many =
        archive(
            tar -> {
              for (int i = 0; i < 5; i++) {
                file(tar, "f" + i, "x");
              }
            });
    assertThat(reasonOf(many, new ModelArchive.Limits(4, 1_000_000)))
        .isEqualTo("archive_too_large");

    Path big = archive(tar -> file(tar, "saved_model.pb", "x".repeat(2_000)));
    assertThat(reasonOf(big, new ModelArchive.Limits(100, 1_000))).isEqualTo("archive_too_large");
  }
}
