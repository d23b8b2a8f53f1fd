package io.maas.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * Debian's headless Chromium, driven over the DevTools protocol: opens a page, evaluates
 * JavaScript in it, takes screenshots, and collects every error the page reports (uncaught
 * exceptions, {@code console.error}, resources that failed to load).
 *
 * <p>Not {@code --dump-dom --virtual-time-budget}: virtual time stands still while a request
 * is open, and a page on an event stream always has one, so Chromium never dumps.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** The browser's executable; fails the test, with what to install, where there is none. */
  static Path binary() {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path candidate = Path.of(dir, name);
        if (!dir.isEmpty() && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError(
        "The monitor page test needs Debian's headless Chromium and found no 'chromium' on the"
            + " PATH; install it with: apt-get install -y --no-install-recommends chromium (.ci/run does)");
  }

  /** Starts a browser on about:blank with a window of the given size, its profile in {@code dir}. */
  static HeadlessChromium start(Path dir, int width, int height) throws Exception {
    Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
    Process process =
        new ProcessBuilder(
                binary().toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height,
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("chromium.log").toFile())
            .start();
    try {
      // Chromium writes the port it chose, and the browser's path, into the profile
      Path portFile = profile.resolve("DevToolsActivePort");
      Awaitility.await("Chromium's DevTools port")
          .atMost(CALL_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "Chromium stopped at its start; its log: "
                          + Files.readString(dir.resolve("chromium.log")));
                }
                return Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2;
              });
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      JsonArray targets =
          new JsonArray(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                          .timeout(CALL_TIMEOUT)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String page =
          targets.stream()
              .map(JsonObject.class::cast)
              .filter(t -> "page".equals(t.getString("type")))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("Chromium has no page open: " + targets))
              .getString("webSocketDebuggerUrl");
      Listener listener = new Listener();
      WebSocket socket =
          http.newWebSocketBuilder()
              .connectTimeout(CALL_TIMEOUT)
              .buildAsync(URI.create(page), listener)
              .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      HeadlessChromium chromium = new HeadlessChromium(process, socket);
      listener.chromium = chromium;
      chromium.call("Runtime.enable", new JsonObject());
      chromium.call("Log.enable", new JsonObject());
      chromium.call("Page.enable", new JsonObject());
      return chromium;
    } catch (Exception | AssertionError e) {
      stop(process);
      throw e;
    }
  }

  /** Sends one DevTools command and waits for its result. */
  JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    calls.put(id, answer);
    socket
        .sendText(
            new JsonObject().put("id", id).put("method", method).put("params", params).encode(),
            true)
        .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonObject reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (reply.containsKey("error")) {
      throw new IllegalStateException(method + " failed: " + reply.getJsonObject("error").encode());
    }
    return reply.getJsonObject("result");
  }

  void navigate(String url) throws Exception {
    JsonObject result = call("Page.navigate", new JsonObject().put("url", url));
    if (result.containsKey("errorText")) {
      throw new IllegalStateException(
          "Chromium could not open " + url + ": " + result.getString("errorText"));
    }
  }

  /** The value of a JavaScript expression in the page (JSON-like values only). */
  Object evaluate(String expression) throws Exception {
    JsonObject result =
        call(
            "Runtime.evaluate",
            new JsonObject()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IllegalStateException(
          "evaluating '"
              + expression
              + "' threw: "
              + result.getJsonObject("exceptionDetails").encode());
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** The page's DOM as it is now, what {@code --dump-dom} prints. */
  String dom() throws Exception {
    return (String) evaluate("document.documentElement.outerHTML");
  }

  /** A PNG of the window. */
  void screenshot(Path file) throws Exception {
    String data =
        call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
    Files.write(file, Base64.getDecoder().decode(data));
  }

  /** Everything the page reported as an error so far. */
  List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  private void received(JsonObject message) {
    Integer id = message.getInteger("id");
    if (id != null) {
      CompletableFuture<JsonObject> call = calls.remove(id);
      if (call != null) {
        call.complete(message);
      }
      return;
    }
    JsonObject params = message.getJsonObject("params", new JsonObject());
    switch (message.getString("method", "")) {
      case "Runtime.exceptionThrown" -> {
        JsonObject details = params.getJsonObject("exceptionDetails", new JsonObject());
        JsonObject exception = details.getJsonObject("exception", new JsonObject());
        errors.add("Uncaught " + exception.getString("description", details.getString("text")));
      }
      case "Runtime.consoleAPICalled" -> {
        if ("error".equals(params.getString("type"))) {
          errors.add("console.error " + params.getJsonArray("args").encode());
        }
      }
      case "Log.entryAdded" -> {
        JsonObject entry = params.getJsonObject("entry", new JsonObject());
        if ("error".equals(entry.getString("level"))) {
          errors.add(entry.getString("text") + " " + entry.getString("url", ""));
        }
      }
      default -> {}
    }
  }

  @Override
  public void close() {
    socket.abort();
    stop(process);
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Joins the frames of each message and hands whole messages to the browser object. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    volatile HeadlessChromium chromium;

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        JsonObject message = new JsonObject(text.toString());
        text.setLength(0);
        if (chromium != null) {
          chromium.received(message);
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      if (chromium != null) {
        chromium.calls.values().forEach(call -> call.completeExceptionally(error));
      }
    }
  }
}
