package io.maas.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.maas.common.event.InferenceResult;
import io.maas.ingest.grpc.proto.DataType;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.maas.ingest.grpc.proto.PredictRequest;
import io.maas.ingest.grpc.proto.PredictResponse;
import io.maas.ingest.grpc.proto.TensorProto;
import io.maas.ingest.grpc.proto.TensorShapeProto;
import io.maas.ingest.http.IngestApiVerticle;
import io.maas.testkit.ApiContract;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.maas.trainer.data.Example;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTP in, predictions out: registry, ingest and inference on the real broker with a real model. */
@ExtendWith(KafkaExtension.class)
class EndToEndIT {

  @TempDir Path dir;

  /** TensorFlow Serving's Predict, as its clients call it, with Vert.x's gRPC client. */
  private static PredictResponse grpcPredict(int port, String model, List<String> texts)
      throws Exception {
    ServiceMethod<PredictResponse, PredictRequest> predict =
        ServiceMethod.client(
            ServiceName.create("tensorflow.serving", "PredictionService"),
            "Predict",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(PredictResponse.newBuilder()));
    TensorProto.Builder text =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_STRING)
            .setTensorShape(
                TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(texts.size())));
    texts.forEach(t -> text.addStringVal(ByteString.copyFromUtf8(t)));
    PredictRequest request =
        PredictRequest.newBuilder()
            .setModelSpec(ModelSpec.newBuilder().setName(model))
            .putInputs("text", text.build())
            .build();
    Vertx vertx = Vertx.vertx();
    try {
      return GrpcClient.client(vertx)
          .request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), predict)
          .compose(
              call ->
                  call.end(request)
                      .compose(v -> call.response())
                      .compose(response -> response.last()))
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
  }

  @Test
  void textsOverHttpComeBackClassifiedInOrderAndBulkRequestsAreAllAnswered(TestKafka kafka)
      throws Exception {
    String model = TestKafka.unique("e2e");
    try (TestPlatform platform = new TestPlatform(kafka, dir)) {
      platform.register(model, 1);
      platform.deploy(model, "{\"production\":1}");
      int inference = platform.startInference(Map.of());
      IngestApiVerticle ingestApi = platform.startIngestApi(Map.of());
      int ingest = ingestApi.actualPort();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  HttpProbe.get(inference, "/health/ready").statusCode() == 200
                      && HttpProbe.get(ingest, "/health/ready").statusCode() == 200);
      // the HTTP answers below are held against the OpenAPI documents the two services serve
      ApiContract ingestDescribed = platform.described(ingest);
      ApiContract inferenceDescribed = platform.described(inference);
      ingestDescribed.assertDescribes(ingestApi.servedRoutes());

      List<Example> sample = new ArrayList<>();
      platform.trainingExamples.stream()
          .filter(e -> e.label().equals("spam"))
          .limit(3)
          .forEach(sample::add);
      platform.trainingExamples.stream()
          .filter(e -> e.label().equals("ham"))
          .limit(3)
          .forEach(sample::add);
      JsonArray instances = new JsonArray();
      sample.forEach(e -> instances.add(e.text()));
      HttpResponse<String> predicted =
          ingestDescribed.check(
              HttpProbe.send(
                  ingest,
                  "POST",
                  "/v1/models/" + model + ":predict",
                  "application/json",
                  new JsonObject().put("instances", instances).encode()));
      assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
      assertThat(inferenceDescribed.check(HttpProbe.get(inference, "/v1/status")).body())
          .contains("\"" + model + "\"");
      JsonArray predictions = new JsonObject(predicted.body()).getJsonArray("predictions");
      assertThat(predictions).hasSize(sample.size());
      for (int i = 0; i < sample.size(); i++) {
        JsonObject p = predictions.getJsonObject(i);
        assertThat(p.getString("label")).as("prediction %d", i).isEqualTo(sample.get(i).label());
        assertThat(p.getInteger("version")).isEqualTo(1);
        assertThat(p.getJsonObject("scores").fieldNames()).containsExactlyInAnyOrder("ham", "spam");
      }

      // the same texts as a TensorFlow Serving client sends them over gRPC: the same answers
      PredictResponse grpc =
          grpcPredict(ingestApi.grpcPort(), model, sample.stream().map(Example::text).toList());
      assertThat(grpc.getModelSpec().getVersion().getValue()).isEqualTo(1);
      assertThat(grpc.getOutputsOrThrow("label").getStringValList())
          .extracting(ByteString::toStringUtf8)
          .containsExactlyElementsOf(sample.stream().map(Example::label).toList());
      List<String> classes =
          grpc.getOutputsOrThrow("classes").getStringValList().stream()
              .map(ByteString::toStringUtf8)
              .toList();
      TensorProto probabilities = grpc.getOutputsOrThrow("probabilities");
      for (int i = 0; i < sample.size(); i++) {
        JsonObject scores = predictions.getJsonObject(i).getJsonObject("scores");
        for (int c = 0; c < classes.size(); c++) {
          assertThat(probabilities.getFloatVal(i * classes.size() + c))
              .as("text %d, %s", i, classes.get(c))
              .isCloseTo(scores.getDouble(classes.get(c)).floatValue(), within(1e-6f));
        }
      }

      StringBuilder ndjson = new StringBuilder();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 1000; i++) {
        String id = "bulk-" + i;
        ids.add(id);
        ndjson
            .append(
                new JsonObject()
                    .put("id", id)
                    .put("text", sample.get(i % sample.size()).text())
                    .encode())
            .append('\n');
      }
      HttpResponse<String> accepted =
          ingestDescribed.check(
              HttpProbe.send(
                  ingest,
                  "POST",
                  "/v1/models/" + model + "/requests",
                  "application/x-ndjson",
                  ndjson.toString()));
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      assertThat(new JsonObject(accepted.body()).getInteger("accepted")).isEqualTo(1000);

      Set<String> answered = new HashSet<>();
      Awaitility.await("1,000 results")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r :
                    kafka.read("maas.results." + model, 2000, Duration.ofSeconds(2))) {
                  InferenceResult result = InferenceResult.decode(r.value());
                  if (result.id().startsWith("bulk-")) {
                    answered.add(result.id());
                  }
                }
                return answered.size() >= 1000;
              });
      assertThat(answered).isEqualTo(ids);
    }
  }
}
