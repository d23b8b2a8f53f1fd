package io.maas.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @Test
  void badArgumentsAndDataExitWithTwo(@TempDir Path dir) throws Exception {
    assertThat(Main.run(new String[] {"fly"})).isEqualTo(2);
    assertThat(Main.run(new String[] {"train", "--epochs", "many"})).isEqualTo(2);
    assertThat(Main.run(new String[] {"train", "--hidden", "0"})).isEqualTo(2);
    assertThat(Main.run(new String[] {"train", "--model", "Not A Name", "--data", dir.toString()}))
        .isEqualTo(2);
    assertThat(Main.run(new String[] {"train", "--data", dir.resolve("absent").toString()}))
        .isEqualTo(2);

    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"text\":\"only text\"}\n");
    assertThat(
            Main.run(
                new String[] {
                  "train", "--data", bad.toString(), "--out", dir.resolve("m.tar.gz").toString()
                }))
        .isEqualTo(2);
    assertThat(dir.resolve("m.tar.gz")).doesNotExist();
  }

  @Test
  void metadataNamesTheDataByFileAndHashNeverByTheTrainingMachinesPath(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("mails.jsonl");
    Files.writeString(data, "x");
    assertThat(Main.dataSource(data))
        .isEqualTo(
            "mails.jsonl (sha256 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881)")
        .doesNotContain(dir.toString());
  }
}
