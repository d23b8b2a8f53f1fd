package io.maas.bench;

import com.google.protobuf.ByteString;
import io.maas.ingest.grpc.proto.DataType;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.maas.ingest.grpc.proto.PredictRequest;
import io.maas.ingest.grpc.proto.PredictResponse;
import io.maas.ingest.grpc.proto.TensorProto;
import io.maas.ingest.grpc.proto.TensorShapeProto;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * {@code bench predict}: the synchronous calls side by side, in one run against a running
 * platform: HTTP {@code :predict} and TensorFlow Serving's gRPC {@code Predict}, each a closed loop
 * of {@code --concurrency} calls in flight (a call's answer starts the next), one corpus text per
 * call, {@code --warmup-seconds} unmeasured then {@code --seconds} measured. Latency runs from
 * sending a call to its whole answer; a call that fails counts as an error, not as a latency.
 */
final class PredictExperiment {

  static final ServiceMethod<PredictResponse, PredictRequest> PREDICT =
      ServiceMethod.client(
          ServiceName.create("tensorflow.serving", "PredictionService"),
          "Predict",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(PredictResponse.newBuilder()));

  private PredictExperiment() {}

  static void run(Map<String, String> flags, List<String> texts) throws Exception {
    String model = flags.getOrDefault("model", "spam");
    String host = flags.getOrDefault("host", "127.0.0.1");
    int httpPort = Integer.parseInt(flags.getOrDefault("http-port", "8080"));
    int grpcPort = Integer.parseInt(flags.getOrDefault("grpc-port", "8500"));
    int concurrency = Integer.parseInt(flags.getOrDefault("concurrency", "32"));
    double warmup = Double.parseDouble(flags.getOrDefault("warmup-seconds", "10"));
    double seconds = Double.parseDouble(flags.getOrDefault("seconds", "20"));
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient http =
          vertx.createHttpClient(
              new HttpClientOptions().setDefaultHost(host).setDefaultPort(httpPort),
              new PoolOptions().setHttp1MaxSize(concurrency));
      List<Buffer> bodies =
          texts.stream()
              .map(t -> new JsonObject().put("instances", new JsonArray().add(t)).toBuffer())
              .toList();
      IntFunction<Future<?>> httpCall =
          i ->
              http.request(HttpMethod.POST, "/v1/models/" + model + ":predict")
                  .compose(
                      request ->
                          request
                              .putHeader("Content-Type", "application/json")
                              .send(bodies.get(i % bodies.size())))
                  .compose(
                      response ->
                          response
                              .body()
                              .compose(
                                  body ->
                                      response.statusCode() == 200
                                          ? Future.succeededFuture()
                                          : Future.failedFuture(
                                              "HTTP " + response.statusCode() + ": " + body)));

      GrpcClient grpc = GrpcClient.client(vertx);
      SocketAddress grpcAddress = SocketAddress.inetSocketAddress(grpcPort, host);
      List<PredictRequest> requests = texts.stream().map(t -> request(model, t)).toList();
      IntFunction<Future<?>> grpcCall =
          i ->
              grpc.request(grpcAddress, PREDICT)
                  .compose(
                      call ->
                          call.end(requests.get(i % requests.size())).compose(v -> call.response()))
                  .compose(response -> response.last());

      System.out.println("| protocol | calls | texts/s | p50 ms | p95 ms | p99 ms | errors |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
      JsonArray rows = new JsonArray();
      for (Map.Entry<String, IntFunction<Future<?>>> protocol :
          List.of(Map.entry("HTTP :predict", httpCall), Map.entry("gRPC Predict", grpcCall))) {
        loop(protocol.getValue(), concurrency, warmup);
        JsonObject row =
            loop(protocol.getValue(), concurrency, seconds)
                .put("protocol", protocol.getKey())
                .put("concurrency", concurrency);
        System.out.println(ReportRows.predictRow(row));
        rows.add(row);
      }
      if (flags.containsKey("json")) {
        Files.writeString(
            Path.of(flags.get("json")),
            new JsonObject()
                .put("concurrency", concurrency)
                .put("seconds", seconds)
                .put("rows", rows)
                .encodePrettily());
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static PredictRequest request(String model, String text) {
    TensorProto tensor =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_STRING)
            .setTensorShape(
                TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(1)))
            .addStringVal(ByteString.copyFromUtf8(text))
            .build();
    return PredictRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName(model))
        .putInputs("text", tensor)
        .build();
  }

  /** {@code concurrency} calls in flight for {@code seconds}; throughput, latency percentiles and errors. */
  private static JsonObject loop(IntFunction<Future<?>> call, int concurrency, double seconds)
      throws Exception {
    long started = System.nanoTime();
    long deadline = started + (long) (seconds * 1e9);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < concurrency; lane++) {
      Promise<Void> done = Promise.promise();
      lanes.add(done.future());
      lane(call, next, deadline, latencies, errors, done);
    }
    Future.all(lanes)
        .toCompletionStage()
        .toCompletableFuture()
        .get((long) seconds + 120, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - started) / 1e9;
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return new JsonObject()
        .put("calls", sorted.length)
        .put("throughput", sorted.length / elapsed)
        .put("p50", Percentiles.of(sorted, 50))
        .put("p95", Percentiles.of(sorted, 95))
        .put("p99", Percentiles.of(sorted, 99))
        .put("errors", errors.get());
  }

  private static void lane(
      IntFunction<Future<?>> call,
      AtomicInteger next,
      long deadline,
      List<Long> latencies,
      AtomicInteger errors,
      Promise<Void> done) {
    if (System.nanoTime() >= deadline) {
      done.complete();
      return;
    }
    long sent = System.nanoTime();
    call.apply(next.getAndIncrement())
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
              } else if (errors.incrementAndGet() <= 3) {
                System.err.println("bench predict: a call failed: " + ar.cause().getMessage());
              }
              lane(call, next, deadline, latencies, errors, done);
            });
  }
}
