package io.maas.trainer.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One Adam step (Kingma and Ba, 2015) in the graph, ordered so that a run of the same seed
 * repeats exactly. TensorFlow Java's {@code Adam} advances its bias-correction powers (beta1^t,
 * beta2^t) beside the weights' updates, not after them, so each update read either t or t + 1,
 * whichever the executor happened to run first: at the first step that changes a weight's step
 * size by up to about two times, and two runs of the same seed differed from their second step
 * on. Here the powers advance after every update, and every update also waits for every
 * gradient, so that no gradient can read a weight already updated in place (the weights are
 * reference variables).
 */
final class AdamStep {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private AdamStep() {}

  /** The op that runs one step on {@code weights}, which must have static shapes. */
  static Op minimize(
      Graph graph,
      Ops tf,
      Operand<TFloat32> loss,
      List<Operand<TFloat32>> weights,
      float learningRate) {
    Output<?>[] outputs = new Output<?>[weights.size()];
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = weights.get(i).asOutput();
    }
    Output<?>[] gradients = graph.addGradients(loss.asOutput(), outputs);
    List<Op> computed = new ArrayList<>();
    for (Output<?> g : gradients) {
      computed.add(tf.identity(g));
    }
    Ops afterGradients = tf.withControlDependencies(computed);
    Variable<TFloat32> beta1Power = tf.withName("adam_beta1_power").variable(tf.constant(BETA1));
    Variable<TFloat32> beta2Power = tf.withName("adam_beta2_power").variable(tf.constant(BETA2));
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      Operand<TFloat32> w = weights.get(i);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gradient = afterGradients.identity((Output<TFloat32>) gradients[i]);
      Operand<TFloat32> zeros = tf.zeros(tf.constant(w.shape().asArray()), TFloat32.class);
      updates.add(
          tf.train.applyAdam(
              w,
              tf.variable(zeros),
              tf.variable(zeros),
              beta1Power,
              beta2Power,
              tf.constant(learningRate),
              tf.constant(BETA1),
              tf.constant(BETA2),
              tf.constant(EPSILON),
              gradient));
    }
    Ops afterUpdates = tf.withControlDependencies(updates);
    List<Op> advanced =
        List.of(
            afterUpdates.assign(
                beta1Power, afterUpdates.math.mul(beta1Power, afterUpdates.constant(BETA1))),
            afterUpdates.assign(
                beta2Power, afterUpdates.math.mul(beta2Power, afterUpdates.constant(BETA2))));
    return tf.withControlDependencies(advanced).noOp();
  }
}
