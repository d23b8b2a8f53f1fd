package io.maas.trainer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's command line. Training, evaluation and export are not built yet; until they
 * are, it says so and exits non-zero rather than pretending to have produced a model.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    LOG.error("The trainer cannot train yet: training, evaluation and export are not implemented in this build");
    System.exit(3);
  }
}
