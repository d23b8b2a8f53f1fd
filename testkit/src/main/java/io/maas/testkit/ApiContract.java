package io.maas.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A service's OpenAPI 3.1 document, as it serves it at {@code GET /openapi.json}, that the real
 * responses of a test are held against with Vert.x's own validator ({@code vertx-openapi}): a
 * status the operation does not declare, a media type it does not list, or a JSON body its schema
 * refuses fails the test with the operation, the status and the schema's complaint.
 *
 * <p>The document the service serves stays plain OpenAPI; the validator reads a copy adapted to
 * what {@code vertx-openapi} 5.0.7 accepts ({@link ValidatorCopy}). The validator checks JSON
 * answers (status, declared headers, body schema); for any other answer the status and the media
 * type are checked against the document as written ({@link ContractDocument}).
 */
public final class ApiContract {

  private static final long TIMEOUT_SECONDS = 30;
  private static final HttpClient HTTP_1_1 =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String source;
  private final JsonObject document;
  private final OpenAPIContract contract;
  private final ResponseValidator validator;

  private final ContractDocument written;

  private ApiContract(Vertx vertx, String source, JsonObject document, OpenAPIContract contract) {
    this.source = source;
    this.document = document;
    this.contract = contract;
    this.validator = ResponseValidator.create(vertx, contract);
    this.written = new ContractDocument(document);
  }

  /**
   * The document a service serves at {@code GET /openapi.json} on {@code port}. Fetched over
   * HTTP/1.1: through an h2c upgrade, Vert.x 5.0.7 and the JDK's client now and then garble a
   * response this large (a protocol error, "Frame type(115)").
   */
  public static ApiContract fetch(Vertx vertx, int port) {
    String where = "http://127.0.0.1:" + port + "/openapi.json";
    HttpResponse<String> answer;
    try {
      answer =
          HTTP_1_1.send(
              HttpRequest.newBuilder(URI.create(where)).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (answer.statusCode() != 200) {
      throw new AssertionError(
          where + " answered " + answer.statusCode() + ", not the service's OpenAPI document");
    }
    if (!answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      throw new AssertionError(
          where
              + " is not served as application/json: "
              + answer.headers().firstValue("Content-Type"));
    }
    return load(vertx, where, new JsonObject(answer.body()));
  }

  /** The document kept at {@code resource} on the classpath (a service's {@code openapi/<service>.json}). */
  public static ApiContract resource(Vertx vertx, String resource) {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("no " + resource + " on the classpath");
      }
      return load(vertx, resource, new JsonObject(Buffer.buffer(in.readAllBytes())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads {@code document}; fails unless it is an OpenAPI 3.1 contract {@code vertx-openapi} accepts. */
  public static ApiContract load(Vertx vertx, String source, JsonObject document) {
    String version = document.getString("openapi", "");
    if (!version.startsWith("3.1.")) {
      throw new AssertionError(source + " declares OpenAPI '" + version + "', not 3.1.x");
    }
    try {
      return new ApiContract(
          vertx, source, document, await(OpenAPIContract.from(vertx, ValidatorCopy.of(document))));
    } catch (ExecutionException e) {
      throw new AssertionError(
          source + " is not a valid OpenAPI 3.1 contract: " + describe(e.getCause()), e.getCause());
    }
  }

  /** The document as the service serves it (not adapted). */
  public JsonObject document() {
    return document.copy();
  }

  /**
   * Fails unless the response a test received is the one the document describes for its request
   * (method and path from the request), then hands it back, so that a call can be wrapped
   * (bodies as {@code String} or {@code byte[]}; any other body, a stream, is left unread):
   * {@code var answer = api.check(HttpProbe.get(port, "/v1/models"));}.
   */
  public <T> HttpResponse<T> check(HttpResponse<T> response) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    response
        .headers()
        .map()
        .forEach((name, values) -> headers.put(name, values.isEmpty() ? "" : values.get(0)));
    // a body still streaming (an InputStream of
    // server-sent events) is not read: its head is checked
    Object body = response.body();
    Buffer buffer =
        body instanceof byte[] bytes
            ? Buffer.buffer(bytes)
            : body instanceof String text
                ? Buffer.buffer(text, StandardCharsets.UTF_8.name())
                : Buffer.buffer();
    check(response.request().method(), response.uri(), response.statusCode(), headers, buffer);
    return response;
  }

  /** Fails unless {@code status}, {@code headers} and {@code body} are an answer the document describes for the call. */
  public void check(String method, URI uri, int status, Map<String, String> headers, Buffer body) {
    String call = method + " " + uri.getRawPath();
    Operation operation =
        contract.findOperation(ValidatorCopy.path(uri.getRawPath()), HttpMethod.valueOf(method));
    if (operation == null) {
      throw new AssertionError(call + " has no operation in " + source);
    }
    String id = operation.getOperationId();
    String answered = call + " answered " + status + " (operation " + id + " of " + source + ")";
    Map<String, String> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.putAll(headers);
    String contentType = caseless.get("Content-Type");
    String media =
        contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (media != null && !media.equals(MediaType.APPLICATION_JSON)) {
      written.checkDeclared(answered, id, status, media, abbreviated(body));
      return;
    }
    try {
      await(validator.validate(ValidatableResponse.create(status, headers, body, media), id));
    } catch (ExecutionException e) {
      throw new AssertionError(
          answered
              + " but the document does not describe it: "
              + describe(e.getCause())
              + "\n  Content-Type: "
              + contentType
              + "\n  body: "
              + abbreviated(body),
          e.getCause());
    }
  }

  /**
   * Fails unless every route a service serves ({@code "METHOD /path/:param"}, or with
   * {@code {param}} templates) has an operation in the document. Routes to a tree of static files
   * ({@code /*}) are not held to it: their files are no API.
   */
  public void assertDescribes(Collection<String> routes) {
    List<String> missing = written.undescribed(routes);
    if (!missing.isEmpty()) {
      throw new AssertionError(
          "routes the service serves without an operation in " + source + ": " + missing);
    }
  }

  /**
   * The error codes the document lists, by status: the {@code enum} of {@code error} in each
   * JSON response's schema, for tests that hold them against the service's list of errors.
   */
  public Map<Integer, Set<String>> errorCodes() {
    return written.errorCodes();
  }

  /**
   * Fails unless every error code the document lists is one of {@code known} (status and code), the
   * service's list of errors: a description cannot promise an error the code never answers.
   */
  public void assertErrorCodesWithin(Collection<Map.Entry<Integer, String>> known) {
    errorCodes()
        .forEach(
            (status, codes) ->
                codes.forEach(
                    code -> {
                      if (!known.contains(Map.entry(status, code))) {
                        throw new AssertionError(
                            source
                                + " lists error '"
                                + code
                                + "' for HTTP "
                                + status
                                + ", which the service has not");
                      }
                    }));
  }

  private static String describe(Throwable failure) {
    if (failure instanceof SchemaValidationException e && e.getOutputUnit() != null) {
      return e.getMessage() + " " + e.getOutputUnit().getErrors();
    }
    return String.valueOf(failure.getMessage());
  }

  private static String abbreviated(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8);
    return text.length() > 600 ? text.substring(0, 600) + "..." : text;
  }

  private static <T> T await(Future<T> future) throws ExecutionException {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "vertx-openapi did not answer within " + TIMEOUT_SECONDS + " s", e);
    }
  }
}
