package io.maas.trainer.model;

import io.maas.trainer.data.Example;
import io.maas.trainer.eval.Calibration;
import io.maas.trainer.eval.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Trains the classifier with Adam ({@link AdamStep}) on softmax cross-entropy, stops early when the validation
 * loss has not improved for {@code patience} epochs, fits a temperature on the best epoch's
 * validation logits, and has the best epoch's weights exported as a forward-only SavedModel
 * ({@link ServingExport}).
 */
public final class ClassifierTrainer {

  private final TrainOptions options;
  private final List<String> classes;
  private final Consumer<String> progress;

  /** One epoch's numbers. */
  public record Epoch(
      int epoch, double trainLoss, double validationLoss, double validationAccuracy, long millis) {}

  /**
   * What training produced.
   *
   * @param temperature the scalar dividing the exported logits, fitted on the validation part
   * @param validation  the validation part's calibration before and after the temperature
   */
  public record Trained(
      Path savedModel,
      List<Epoch> history,
      int bestEpoch,
      double temperature,
      Calibrated validation) {}

  /** Negative log-likelihood and expected calibration error, without and with the temperature. */
  public record Calibrated(double nllBefore, double nllAfter, double eceBefore, double eceAfter) {}

  public ClassifierTrainer(TrainOptions options, List<String> classes, Consumer<String> progress) {
    this.options = options;
    this.classes = List.copyOf(classes);
    this.progress = progress;
  }

  /** Trains on {@code train}, early-stops on {@code validation}, exports to {@code exportDir}. */
  public Trained train(List<Example> train, List<Example> validation, Path workDir, Path exportDir)
      throws IOException {
    Path checkpoint = Files.createDirectories(workDir.resolve("checkpoint")).resolve("best");
    List<Epoch> history = new ArrayList<>();
    int best = 0;
    double[][] bestLogits = new double[0][];
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Random random = new Random(options.seed());
      ClassifierGraph.Weights w = initialized(tf, random);
      Placeholder<TString> text = ClassifierGraph.textInput(tf);
      Placeholder<TFloat32> target =
          tf.withName("target")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, classes.size())));
      Operand<TFloat32> logits = ClassifierGraph.logits(tf, text, w, options);
      Operand<TFloat32> losses = tf.nn.softmaxCrossEntropyWithLogits(logits, target).loss();
      Operand<TFloat32> loss = tf.math.mean(losses, tf.constant(0));
      Op step = AdamStep.minimize(graph, tf, loss, w.all(), options.learningRate());

      try (Session session = new Session(graph, config(options.threads()))) {
        session.initialize();
        List<Example> order = new ArrayList<>(train);
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
          long started = System.nanoTime();
          Collections.shuffle(order, random);
          double sum = 0;
          for (int from = 0; from < order.size(); from += options.batchSize()) {
            List<Example> batch =
                order.subList(from, Math.min(order.size(), from + options.batchSize()));
            try (TString texts = texts(batch);
                TFloat32 onehot = oneHot(batch);
                Result result =
                    session
                        .runner()
                        .feed(text, texts)
                        .feed(target, onehot)
                        .addTarget(step)
                        .fetch(loss)
                        .run()) {
              sum += ((TFloat32) result.get(0)).getFloat() * batch.size();
            }
          }
          double[][] validationLogits = new double[validation.size()][];
          double[] validationScore =
              validate(session, text, target, losses, logits, validation, validationLogits);
          Epoch e =
              new Epoch(
                  epoch,
                  sum / order.size(),
                  validationScore[0],
                  validationScore[1],
                  (System.nanoTime() - started) / 1_000_000);
          history.add(e);
          progress.accept(
              String.format(
                  java.util.Locale.ROOT,
                  "epoch %d: train loss %.4f, validation loss %.4f, validation accuracy %.4f (%d ms)",
                  e.epoch(),
                  e.trainLoss(),
                  e.validationLoss(),
                  e.validationAccuracy(),
                  e.millis()));
          if (e.validationLoss() < bestLoss) {
            bestLoss = e.validationLoss();
            best = epoch;
            bestLogits = validationLogits;
            session.save(checkpoint.toString());
          } else if (epoch - best >= options.patience()) {
            progress.accept(
                "early stop: no better validation loss for "
                    + options.patience()
                    + " epochs; keeping epoch "
                    + best);
            break;
          }
        }
      }
    }
    int[] truth = validation.stream().mapToInt(e -> classes.indexOf(e.label())).toArray();
    double temperature = Calibration.fitTemperature(bestLogits, truth);
    Calibrated calibrated =
        new Calibrated(
            Calibration.negativeLogLikelihood(bestLogits, truth, 1),
            Calibration.negativeLogLikelihood(bestLogits, truth, temperature),
            Calibration.expectedCalibrationError(
                truth, Calibration.softmax(bestLogits, 1), Calibration.ECE_BINS),
            Calibration.expectedCalibrationError(
                truth, Calibration.softmax(bestLogits, temperature), Calibration.ECE_BINS));
    progress.accept(
        String.format(
            java.util.Locale.ROOT,
            "temperature %.4f fitted on %d validation texts: negative log-likelihood %.4f -> %.4f, ECE %.4f -> %.4f",
            temperature,
            validation.size(),
            calibrated.nllBefore(),
            calibrated.nllAfter(),
            calibrated.eceBefore(),
            calibrated.eceAfter()));
    ServingExport.export(options, classes.size(), checkpoint, exportDir, temperature);
    return new Trained(exportDir, List.copyOf(history), best, temperature, calibrated);
  }

  private ClassifierGraph.Weights initialized(Ops tf, Random random) {
    int h = options.hidden();
    int k = classes.size();
    return new ClassifierGraph.Weights(
        tf.withName(ClassifierGraph.EMBEDDING)
            .variable(tf.constant(gaussian(random, options.buckets(), h, 0.05))),
        tf.withName(ClassifierGraph.HIDDEN_BIAS).variable(tf.constant(new float[h])),
        tf.withName(ClassifierGraph.OUTPUT_WEIGHTS)
            .variable(tf.constant(gaussian(random, h, k, Math.sqrt(2.0 / (h + k))))),
        tf.withName(ClassifierGraph.OUTPUT_BIAS).variable(tf.constant(new float[k])));
  }

  /** Mean loss and accuracy on the validation part, in batches; fills {@code logits}, one row per example. */
  private double[] validate(
      Session session,
      Placeholder<TString> text,
      Placeholder<TFloat32> target,
      Operand<TFloat32> losses,
      Operand<TFloat32> logitsOp,
      List<Example> validation,
      double[][] logits) {
    double sum = 0;
    int correct = 0;
    for (int from = 0; from < validation.size(); from += 256) {
      List<Example> batch = validation.subList(from, Math.min(validation.size(), from + 256));
      try (TString texts = texts(batch);
          TFloat32 onehot = oneHot(batch);
          Result result =
              session
                  .runner()
                  .feed(text, texts)
                  .feed(target, onehot)
                  .fetch(losses)
                  .fetch(logitsOp)
                  .run()) {
        TFloat32 l = (TFloat32) result.get(0);
        TFloat32 z = (TFloat32) result.get(1);
        for (int i = 0; i < batch.size(); i++) {
          sum += l.getFloat(i);
          double[] row = new double[classes.size()];
          for (int c = 0; c < row.length; c++) {
            row[c] = z.getFloat(i, c);
          }
          logits[from + i] = row;
          if (Evaluation.argMax(row) == classes.indexOf(batch.get(i).label())) {
            correct++;
          }
        }
      }
    }
    return validation.isEmpty()
        ? new double[] {0, 0}
        : new double[] {sum / validation.size(), correct / (double) validation.size()};
  }

  static ConfigProto config(int threads) {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(threads)
        .build();
  }

  private static TString texts(List<Example> batch) {
    return TString.vectorOf(batch.stream().map(Example::text).toArray(String[]::new));
  }

  private TFloat32 oneHot(List<Example> batch) {
    float[][] y = new float[batch.size()][classes.size()];
    for (int i = 0; i < batch.size(); i++) {
      y[i][classes.indexOf(batch.get(i).label())] = 1f;
    }
    return TFloat32.tensorOf(StdArrays.ndCopyOf(y));
  }

  private static float[][] gaussian(Random random, int rows, int cols, double scale) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (random.nextGaussian() * scale);
      }
    }
    return m;
  }
}
