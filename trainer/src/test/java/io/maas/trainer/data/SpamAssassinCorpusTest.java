package io.maas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpamAssassinCorpusTest {

  @Test
  void groupsMapToHamAndSpam() {
    assertThat(SpamAssassinCorpus.labelOf("easy-ham-1")).isEqualTo("ham");
    assertThat(SpamAssassinCorpus.labelOf("hard-ham-1")).isEqualTo("ham");
    assertThat(SpamAssassinCorpus.labelOf("spam-2")).isEqualTo("spam");
    assertThatThrownBy(() -> SpamAssassinCorpus.labelOf("misc"))
        .isInstanceOf(DatasetException.class);
  }

  @Test
  void loadsTheCorpusLayoutWithGroupQualifiedIds(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("data/spam-1"));
    Files.createDirectories(dir.resolve("data/easy-ham-1"));
    Files.writeString(
        dir.resolve("data/spam-1/00001.json"),
        "{\"id\":\"00001\",\"group\":\"spam-1\",\"checksum\":{\"type\":\"MD5\",\"value\":\"ab\"},\"text\":\"Buy now\"}");
    Files.writeString(
        dir.resolve("data/easy-ham-1/00001.json"),
        "{\"id\":\"00001\",\"group\":\"easy-ham-1\",\"checksum\":{\"type\":\"MD5\",\"value\":\"cd\"},\"text\":\"Hi Bob\"}");

    List<Example> examples = SpamAssassinCorpus.load(dir);

    assertThat(examples)
        .extracting(Example::id)
        .containsExactly("easy-ham-1/00001", "spam-1/00001");
    assertThat(examples).extracting(Example::label).containsExactly("ham", "spam");
    assertThat(examples).extracting(Example::checksum).containsExactly("md5:cd", "md5:ab");
  }

  @Test
  void aTarballThatDoesNotMatchThePinnedDigestIsRefused(@TempDir Path dir) throws Exception {
    Path tarball = dir.resolve("fake.tgz");
    Files.writeString(tarball, "not the corpus");

    assertThatThrownBy(() -> SpamAssassinCorpus.verify(tarball))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("does not match its pinned digest");
  }
}
