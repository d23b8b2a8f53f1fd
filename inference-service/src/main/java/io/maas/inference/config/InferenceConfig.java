package io.maas.inference.config;

import io.maas.common.config.MaasConfig;
import io.maas.common.config.Settings;
import io.maas.common.event.InferenceRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The inference service's settings.
 *
 * @param batchSize      {@code MAAS_INFERENCE_BATCH_SIZE}, the most requests per model call (default 64)
 * @param batchWaitMs    {@code MAAS_INFERENCE_BATCH_WAIT_MS}, the longest a request waits for its batch to fill (default 5)
 * @param intraOpThreads {@code MAAS_INFERENCE_INTRA_OP_THREADS}, TensorFlow threads inside an op (default 1)
 * @param interOpThreads {@code MAAS_INFERENCE_INTER_OP_THREADS}, TensorFlow threads across ops; -1 (the default)
 *                       runs the ops on the calling thread, which the benchmark found fastest
 * @param device         {@code MAAS_INFERENCE_DEVICE}, {@code cpu} or {@code gpu} (needs the build's -Pgpu native)
 * @param preprocessing  {@code MAAS_INFERENCE_PREPROCESSING}, {@code auto} (the default: a version whose
 *                       features signature fed by the Java featurizer answers as its graph does is
 *                       served that way, the others through the graph) or {@code graph} (always the graph)
 * @param exactlyOnce    {@code MAAS_DELIVERY=exactly-once}: Kafka transactions; default {@code at-least-once}
 * @param maxTextBytes   {@code MAAS_MAX_TEXT_BYTES}, longer texts are dead letters (default 1 MiB)
 * @param groupId        {@code MAAS_INFERENCE_GROUP}, the consumer group all instances share (default maas-inference)
 * @param worker         {@code MAAS_INFERENCE_WORKER}, this instance's name in results and its static
 *                       group membership (default host-pid; give each instance a stable, unique name,
 *                       such as its pod name, and a restart takes its partitions back without a rebalance)
 * @param loadCpuPercent {@code MAAS_INFERENCE_LOAD_CPU_PERCENT}, the share of one core that loading a new
 *                       version (download, unpacking, TensorFlow load, warm-up) may take while the current
 *                       one serves, 1-100 (default 25); lower makes swaps slower and less felt on a small machine
 */
public record InferenceConfig(
    MaasConfig maas,
    int batchSize,
    int batchWaitMs,
    int intraOpThreads,
    int interOpThreads,
    String device,
    String preprocessing,
    boolean exactlyOnce,
    int maxTextBytes,
    String groupId,
    String worker,
    int loadCpuPercent) {

  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> defaults = new HashMap<>(MaasConfig.DEFAULTS);
    defaults.put("MAAS_INFERENCE_BATCH_SIZE", "64");
    defaults.put("MAAS_INFERENCE_BATCH_WAIT_MS", "5");
    defaults.put("MAAS_INFERENCE_INTRA_OP_THREADS", "1");
    defaults.put("MAAS_INFERENCE_INTER_OP_THREADS", "-1");
    defaults.put("MAAS_INFERENCE_DEVICE", "cpu");
    defaults.put("MAAS_INFERENCE_PREPROCESSING", "auto");
    defaults.put("MAAS_DELIVERY", "at-least-once");
    defaults.put("MAAS_MAX_TEXT_BYTES", String.valueOf(InferenceRequest.DEFAULT_MAX_TEXT_BYTES));
    defaults.put("MAAS_INFERENCE_GROUP", "maas-inference");
    defaults.put("MAAS_INFERENCE_WORKER", defaultWorker());
    defaults.put("MAAS_INFERENCE_LOAD_CPU_PERCENT", "25");
    DEFAULTS = Map.copyOf(defaults);
  }

  public static InferenceConfig from(Settings settings) {
    return new InferenceConfig(
        MaasConfig.from(settings),
        settings.integer("MAAS_INFERENCE_BATCH_SIZE", 1, 4096),
        settings.integer("MAAS_INFERENCE_BATCH_WAIT_MS", 0, 10_000),
        settings.integer("MAAS_INFERENCE_INTRA_OP_THREADS", 0, 256),
        settings.integer("MAAS_INFERENCE_INTER_OP_THREADS", -1, 256),
        settings.choice("MAAS_INFERENCE_DEVICE", "cpu", "gpu"),
        settings.choice("MAAS_INFERENCE_PREPROCESSING", "auto", "graph"),
        "exactly-once".equals(settings.choice("MAAS_DELIVERY", "at-least-once", "exactly-once")),
        settings.integer("MAAS_MAX_TEXT_BYTES", 1, Integer.MAX_VALUE),
        settings.string("MAAS_INFERENCE_GROUP"),
        settings.string("MAAS_INFERENCE_WORKER"),
        settings.integer("MAAS_INFERENCE_LOAD_CPU_PERCENT", 1, 100));
  }

  /** Downloaded artifacts and unpacked models: {@code $MAAS_HOME/inference}. */
  public Path directory() {
    return maas.home().resolve("inference");
  }

  private static String defaultWorker() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "inference";
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
