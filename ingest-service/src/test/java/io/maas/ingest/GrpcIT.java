package io.maas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Message;
import io.maas.common.kafka.Topics;
import io.maas.ingest.grpc.proto.DataType;
import io.maas.ingest.grpc.proto.GetModelMetadataRequest;
import io.maas.ingest.grpc.proto.GetModelMetadataResponse;
import io.maas.ingest.grpc.proto.GetModelStatusRequest;
import io.maas.ingest.grpc.proto.GetModelStatusResponse;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.maas.ingest.grpc.proto.ModelVersionStatus;
import io.maas.ingest.grpc.proto.PredictRequest;
import io.maas.ingest.grpc.proto.PredictResponse;
import io.maas.ingest.grpc.proto.SignatureDefMap;
import io.maas.ingest.grpc.proto.TensorProto;
import io.maas.ingest.grpc.proto.TensorShapeProto;
import io.maas.ingest.http.IngestApiVerticle;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorFlow Serving's gRPC API as its clients call it (message classes generated from the same
 * .proto files, Vert.x's gRPC client), against a real broker: Predict through Kafka and back, the
 * model's status and signature, and every refusal with TensorFlow Serving's status code.
 */
@ExtendWith({VertxExtension.class, KafkaExtension.class})
class GrpcIT {

  private static final ServiceName PREDICTION =
      ServiceName.create("tensorflow.serving", "PredictionService");
  private static final ServiceMethod<PredictResponse, PredictRequest> PREDICT =
      ServiceMethod.client(
          PREDICTION,
          "Predict",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(PredictResponse.newBuilder()));
  private static final ServiceMethod<GetModelMetadataResponse, GetModelMetadataRequest> METADATA =
      ServiceMethod.client(
          PREDICTION,
          "GetModelMetadata",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(GetModelMetadataResponse.newBuilder()));
  private static final ServiceMethod<GetModelStatusResponse, GetModelStatusRequest> STATUS =
      ServiceMethod.client(
          ServiceName.create("tensorflow.serving", "ModelService"),
          "GetModelStatus",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(GetModelStatusResponse.newBuilder()));

  /** What a call came back with: OK and the message, or the status and its message. */
  record Answer<A>(GrpcStatus status, String message, A response) {}

  private static <Q extends Message, A> Future<Answer<A>> call(
      GrpcClient client, int port, ServiceMethod<A, Q> method, Q message, String token) {
    return client
        .request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), method)
        .compose(
            request -> {
              if (token != null) {
                request.headers().set("authorization", "Bearer " + token);
              }
              request.end(message);
              return request
                  .response()
                  .compose(
                      response ->
                          response
                              .last()
                              .map(a -> new Answer<>(GrpcStatus.OK, null, a))
                              .recover(
                                  e ->
                                      Future.succeededFuture(
                                          new Answer<A>(
                                              response.status(), response.statusMessage(), null))));
            });
  }

  private static <Q extends Message, A> Answer<A> await(
      GrpcClient client, int port, ServiceMethod<A, Q> method, Q message) throws Exception {
    return call(client, port, method, message, null)
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  private static TensorProto texts(String... texts) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_STRING)
            .setTensorShape(
                TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(texts.length)));
    for (String text : texts) {
      tensor.addStringVal(ByteString.copyFromUtf8(text));
    }
    return tensor.build();
  }

  private static PredictRequest predict(String model, TensorProto text) {
    return PredictRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName(model).setSignatureName("serving_default"))
        .putInputs("text", text)
        .build();
  }

  @Test
  void predictAnswersThroughKafkaAndRefusesWithTfServingCodes(
      Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    String model = Testbed.deployModel(kafka);
    IngestApiVerticle api = Testbed.startApi(vertx, kafka, home, Map.of());
    int port = api.grpcPort();
    GrpcClient client = GrpcClient.client(vertx);
    try (Testbed.Responder responder = new Testbed.Responder(kafka, model)) {

      Answer<PredictResponse> ok =
          await(
              client,
              port,
              PREDICT,
              predict(model, texts("win a free cruise", "lunch at noon?", "free money")));
      assertThat(ok.status()).as(ok.message()).isEqualTo(GrpcStatus.OK);
      PredictResponse response = ok.response();
      assertThat(response.getModelSpec().getName()).isEqualTo(model);
      assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(1);
      TensorProto probabilities = response.getOutputsOrThrow("probabilities");
      assertThat(probabilities.getDtype()).isEqualTo(DataType.DT_FLOAT);
      assertThat(probabilities.getTensorShape().getDimList())
          .extracting(TensorShapeProto.Dim::getSize)
          .containsExactly(3L, 2L);
      assertThat(response.getOutputsOrThrow("classes").getStringValList())
          .extracting(ByteString::toStringUtf8)
          .containsExactly("ham", "spam");
      assertThat(probabilities.getFloatValList())
          .containsExactly(0.1f, 0.9f, 0.8f, 0.2f, 0.1f, 0.9f);
      assertThat(response.getOutputsOrThrow("label").getStringValList())
          .extracting(ByteString::toStringUtf8)
          .containsExactly("spam", "ham", "spam");
      assertThat(response.getOutputsOrThrow("version").getInt64ValList())
          .containsExactly(1L, 1L, 1L);

      PredictRequest filtered =
          predict(model, texts("free")).toBuilder().addOutputFilter("label").build();
      assertThat(await(client, port, PREDICT, filtered).response().getOutputsMap())
          .containsOnlyKeys("label");

      PredictRequest pinned =
          predict(model, texts("hello")).toBuilder()
              .setModelSpec(ModelSpec.newBuilder().setName(model).setVersion(Int64Value.of(1)))
              .build();
      assertThat(await(client, port, PREDICT, pinned).status()).isEqualTo(GrpcStatus.OK);
      PredictRequest labelled =
          predict(model, texts("hello")).toBuilder()
              .setModelSpec(ModelSpec.newBuilder().setName(model).setVersionLabel("production"))
              .build();
      assertThat(
              await(client, port, PREDICT, labelled)
                  .response()
                  .getModelSpec()
                  .getVersion()
                  .getValue())
          .isEqualTo(1);

      Map<PredictRequest, GrpcStatus> refused =
          Map.of(
              predict("no-such-model", texts("hi")),
              GrpcStatus.NOT_FOUND,
              predict("Not A Name", texts("hi")),
              GrpcStatus.INVALID_ARGUMENT,
              pinned.toBuilder()
                  .setModelSpec(ModelSpec.newBuilder().setName(model).setVersion(Int64Value.of(7)))
                  .build(),
              GrpcStatus.NOT_FOUND,
              pinned.toBuilder()
                  .setModelSpec(ModelSpec.newBuilder().setName(model).setVersionLabel("canary"))
                  .build(),
              GrpcStatus.NOT_FOUND,
              PredictRequest.newBuilder(predict(model, texts("hi")))
                  .removeInputs("text")
                  .putInputs("texts", texts("hi"))
                  .build(),
              GrpcStatus.INVALID_ARGUMENT,
              predict(model, texts("hi").toBuilder().setDtype(DataType.DT_FLOAT).build()),
              GrpcStatus.INVALID_ARGUMENT,
              predict(
                  model,
                  texts("a", "b").toBuilder()
                      .setTensorShape(
                          TensorShapeProto.newBuilder()
                              .addDim(TensorShapeProto.Dim.newBuilder().setSize(3)))
                      .build()),
              GrpcStatus.INVALID_ARGUMENT,
              predict(model, texts("hi")).toBuilder().addOutputFilter("logits").build(),
              GrpcStatus.INVALID_ARGUMENT,
              predict(
                  model,
                  texts("hi").toBuilder()
                      .setStringVal(0, ByteString.copyFrom(new byte[] {(byte) 0xff, 'a'}))
                      .build()),
              GrpcStatus.INVALID_ARGUMENT,
              predict(model, texts("hi")).toBuilder()
                  .setModelSpec(ModelSpec.newBuilder().setName(model).setSignatureName("classify"))
                  .build(),
              GrpcStatus.INVALID_ARGUMENT);
      for (Map.Entry<PredictRequest, GrpcStatus> refusal : refused.entrySet()) {
        Answer<PredictResponse> answer = await(client, port, PREDICT, refusal.getKey());
        assertThat(answer.status())
            .as("%s -> %s", refusal.getKey(), answer.message())
            .isEqualTo(refusal.getValue());
        assertThat(answer.message()).isNotBlank();
      }

      Answer<GetModelStatusResponse> status =
          await(
              client,
              port,
              STATUS,
              GetModelStatusRequest.newBuilder()
                  .setModelSpec(ModelSpec.newBuilder().setName(model))
                  .build());
      assertThat(status.response().getModelVersionStatusList())
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.getVersion()).isEqualTo(1);
                assertThat(v.getState()).isEqualTo(ModelVersionStatus.State.AVAILABLE);
              });
      assertThat(
              await(
                      client,
                      port,
                      STATUS,
                      GetModelStatusRequest.newBuilder()
                          .setModelSpec(ModelSpec.newBuilder().setName("no-such-model"))
                          .build())
                  .status())
          .isEqualTo(GrpcStatus.NOT_FOUND);

      Answer<GetModelMetadataResponse> metadata =
          await(
              client,
              port,
              METADATA,
              GetModelMetadataRequest.newBuilder()
                  .setModelSpec(ModelSpec.newBuilder().setName(model))
                  .addMetadataField("signature_def")
                  .build());
      SignatureDefMap signatures =
          metadata.response().getMetadataOrThrow("signature_def").unpack(SignatureDefMap.class);
      assertThat(
              signatures
                  .getSignatureDefOrThrow("serving_default")
                  .getInputsOrThrow("text")
                  .getDtype())
          .isEqualTo(DataType.DT_STRING);
      assertThat(signatures.getSignatureDefOrThrow("serving_default").getOutputsMap())
          .containsKeys("probabilities", "label");
      assertThat(
              await(
                      client,
                      port,
                      METADATA,
                      GetModelMetadataRequest.newBuilder()
                          .setModelSpec(ModelSpec.newBuilder().setName(model))
                          .build())
                  .status())
          .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    }
    // 3 + 1 + 1 + 1 texts answered; nothing of a refused call was published
    assertThat(Testbed.readAll(kafka, Topics.requests(model))).hasSize(6);
  }

  @Test
  void restStatusAndMetadataAreTfServingsJson(Vertx vertx, TestKafka kafka, @TempDir Path home)
      throws Exception {
    String model = Testbed.deployModel(kafka);
    int port = Testbed.start(vertx, kafka, home, Map.of());

    HttpResponse<String> status = Testbed.get(port, "/v1/models/" + model);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    assertThat(new JsonObject(status.body()))
        .isEqualTo(
            new JsonObject(
                "{\"model_version_status\":[{\"version\":\"1\","
                    + "\"state\":\"AVAILABLE\",\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}"));
    assertThat(Testbed.get(port, "/v1/models/" + model + "/versions/1").statusCode())
        .isEqualTo(200);
    HttpResponse<String> missing = Testbed.get(port, "/v1/models/" + model + "/versions/2");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("unknown_version");
    assertThat(Testbed.get(port, "/v1/models/no-such-model").statusCode()).isEqualTo(404);

    HttpResponse<String> metadata = Testbed.get(port, "/v1/models/" + model + "/metadata");
    assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);
    JsonObject body = new JsonObject(metadata.body());
    assertThat(body.getJsonObject("model_spec").getMap())
        .containsEntry("name", model)
        .containsEntry("version", "1");
    JsonObject signature =
        body.getJsonObject("metadata")
            .getJsonObject("signature_def")
            .getJsonObject("signature_def")
            .getJsonObject("serving_default");
    assertThat(signature.getString("method_name")).isEqualTo("tensorflow/serving/predict");
    assertThat(signature.getJsonObject("inputs").getJsonObject("text").getString("dtype"))
        .isEqualTo("DT_STRING");
    assertThat(signature.getJsonObject("outputs").fieldNames()).contains("probabilities", "label");
  }

  @Test
  void aThousandConcurrentCallsEachGetTheirOwnAnswer(
      Vertx vertx, TestKafka kafka, @TempDir Path home) throws Exception {
    String model = Testbed.deployModel(kafka);
    int port = Testbed.startApi(vertx, kafka, home, Map.of()).grpcPort();
    GrpcClient client = GrpcClient.client(vertx);
    // each text's own scores: "n 417" is spam with probability 0.417
    try (Testbed.Responder responder =
        new Testbed.Responder(
            kafka,
            model,
            text -> {
              double spam = Integer.parseInt(text.substring(2)) / 1000.0;
              return Map.of("ham", 1 - spam, "spam", spam);
            })) {
      List<Future<Answer<PredictResponse>>> calls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        calls.add(call(client, port, PREDICT, predict(model, texts("n " + i)), null));
      }
      Future.all(calls).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      for (int i = 0; i < 1000; i++) {
        Answer<PredictResponse> answer = calls.get(i).result();
        assertThat(answer.status()).as(answer.message()).isEqualTo(GrpcStatus.OK);
        assertThat(answer.response().getOutputsOrThrow("probabilities").getFloatVal(1))
            .as("call %d", i)
            .isEqualTo((float) (i / 1000.0));
      }
    }
  }

  @Test
  void tokensLimitsAndTimeoutsAnswerTfServingCodes(Vertx vertx, TestKafka kafka, @TempDir Path home)
      throws Exception {
    String token = "a-producer-token-0123";
    String model = Testbed.deployModel(kafka);
    int port =
        Testbed.startApi(
                vertx,
                kafka,
                home,
                Map.of(
                    "MAAS_INGEST_TOKENS",
                    token,
                    "MAAS_INGEST_MAX_ITEMS",
                    "5",
                    "MAAS_INGEST_MAX_IN_FLIGHT",
                    "5",
                    "MAAS_PREDICT_TIMEOUT_MS",
                    "1500"))
            .grpcPort();
    GrpcClient client = GrpcClient.client(vertx);

    assertThat(await(client, port, PREDICT, predict(model, texts("hi"))).status())
        .isEqualTo(GrpcStatus.UNAUTHENTICATED);
    Answer<PredictResponse> tooMany =
        call(client, port, PREDICT, predict(model, texts("1", "2", "3", "4", "5", "6")), token)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(tooMany.status()).as(tooMany.message()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);

    // nobody answers: five awaited answers fill MAAS_INGEST_MAX_IN_FLIGHT, the next call is
    // refused, the five time out
    Future<Answer<PredictResponse>> waiting =
        call(client, port, PREDICT, predict(model, texts("1", "2", "3", "4", "5")), token);
    Thread.sleep(300);
    Answer<PredictResponse> overloaded =
        call(client, port, PREDICT, predict(model, texts("6")), token)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(overloaded.status())
        .as(overloaded.message())
        .isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
    Answer<PredictResponse> late =
        waiting.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(late.status()).as(late.message()).isEqualTo(GrpcStatus.DEADLINE_EXCEEDED);
    // the five were accepted and published: they are answered on maas.results when inference comes
    assertThat(Testbed.readAll(kafka, Topics.requests(model))).hasSize(5);
  }
}
