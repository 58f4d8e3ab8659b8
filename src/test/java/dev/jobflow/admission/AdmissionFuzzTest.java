package dev.jobflow.admission;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.http.TestCertificates;
import dev.jobflow.http.TestCertificates.Issued;
import dev.jobflow.http.TestCertificates.KeyFormat;
import dev.jobflow.validation.JobFlowValidator;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand generated and mutated bodies through the real HTTPS server: every one gets a well-formed
 * answer (200 with an AdmissionReview, or a one-line 400/413) in time; no 5xx, no dropped or hung
 * connection, and no input reaching the catch-all for our own bugs.
 */
class AdmissionFuzzTest {
  static final int INPUTS = 10_000;
  static final int CONCURRENCY = 16;
  static final long SEED = Long.getLong("fuzz.seed", 20261123L);
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @TempDir static Path dir;
  static ActorTestKit kit;
  static AdmissionServer server;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create("admission-fuzz");
    Issued cert = TestCertificates.ec("fuzz.test");
    Path[] files = cert.writeTo(dir, KeyFormat.PKCS8);
    server = AdmissionServer.start(kit.system(), AdmissionSettings.of("127.0.0.1", 0, files[0], files[1]),
        new JobFlowValidator(), AdmissionObserver.NONE).toCompletableFuture().get();
    client = cert.httpClient();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyInputGetsAWellFormedAnswer() throws Exception {
    Random random = new Random(SEED);
    List<byte[]> seeds = seeds();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(CONCURRENCY);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < INPUTS; i++) {
      byte[] body = generate(random, seeds, i);
      String path = random.nextBoolean() ? "/validate" : "/mutate";
      // Some bodies go chunked (unknown length), as a streaming client would send them.
      HttpRequest.BodyPublisher publisher = random.nextInt(20) == 0
          ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
          : HttpRequest.BodyPublishers.ofByteArray(body);
      HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").POST(publisher).build();
      inFlight.acquire();
      all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
        inFlight.release();
        if (error != null) {
          failures.add("no answer (" + error + ") to " + describe(body));
          return null;
        }
        statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
        String problem = check(body, response);
        if (problem != null) {
          failures.add(problem + " for " + describe(body));
        }
        return null;
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    System.out.println("admission fuzz (seed " + SEED + "): " + INPUTS + " inputs, answers by HTTP status " + statuses);
    assertTrue(failures.isEmpty(), failures.size() + " bad answers (seed " + SEED + "), e.g.:\n"
        + String.join("\n", failures.stream().limit(10).toList()));
    // The generator must reach both sides: reviews judged, and inputs refused.
    assertTrue(statuses.getOrDefault(200, new AtomicInteger()).get() > INPUTS / 10, statuses.toString());
    assertTrue(statuses.getOrDefault(400, new AtomicInteger()).get() > INPUTS / 10, statuses.toString());
    assertTrue(statuses.containsKey(413), statuses.toString());
  }

  /** Null when the answer is well-formed, else what is wrong with it. */
  static String check(byte[] body, HttpResponse<String> response) {
    int status = response.statusCode();
    String text = response.body();
    if (status == 400 || status == 413) {
      if (!text.endsWith("\n") || text.indexOf('\n') != text.length() - 1 || text.isBlank()) {
        return status + " without a one-line reason: " + text;
      }
      if (text.startsWith("could not process")) {
        return "input reached the catch-all: " + text;
      }
      return null;
    }
    if (status != 200) {
      return "HTTP " + status + ": " + text;
    }
    try {
      JsonNode review = Reviews.JSON.readTree(text);
      JsonNode answer = review.path("response");
      if (!"AdmissionReview".equals(review.path("kind").asText()) || !answer.path("allowed").isBoolean()
          || answer.path("uid").asText("").isEmpty()) {
        return "malformed AdmissionReview " + text;
      }
      JsonNode sent = Reviews.JSON.readTree(body);
      if (!answer.path("uid").asText().equals(sent.path("request").path("uid").asText())) {
        return "uid not echoed: " + text;
      }
      if (answer.has("patch")) {
        JsonNode patch = Reviews.JSON.readTree(Base64.getDecoder().decode(answer.path("patch").asText()));
        if (!patch.isArray() || patch.isEmpty() || !"JSONPatch".equals(answer.path("patchType").asText())) {
          return "malformed patch " + text;
        }
      }
      if (!answer.path("allowed").booleanValue() && answer.path("status").path("message").asText("").isEmpty()) {
        return "denial without a message " + text;
      }
      return null;
    } catch (Exception e) {
      return "unreadable 200 (" + e.getMessage() + "): " + text;
    }
  }

  static String describe(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    return body.length + " bytes: " + text.replaceAll("\\s+", " ");
  }

  static List<byte[]> seeds() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    ObjectNode running = Reviews.withPhase(Reviews.flow(), "Running");
    ObjectNode suspended = running.deepCopy();
    Reviews.spec(suspended).put("suspend", true);
    ObjectNode retimed = running.deepCopy();
    Reviews.spec(retimed).put("timeout", "1h");
    ObjectNode empty = Reviews.flow();
    Reviews.spec(empty).putArray("steps");
    for (JsonNode review : List.of(Reviews.create(), Reviews.create(empty), Reviews.update(running, suspended),
        Reviews.update(running, retimed), Reviews.delete(running), Reviews.statusUpdate(running, suspended))) {
      seeds.add(Reviews.JSON.writeValueAsBytes(review));
    }
    return seeds;
  }

  static byte[] generate(Random random, List<byte[]> seeds, int index) throws Exception {
    if (index % 2000 == 1999) {
      return oversized(random);
    }
    byte[] seed = seeds.get(random.nextInt(seeds.size()));
    return switch (random.nextInt(10)) {
      case 0, 1, 2 -> mutateBytes(random, seed);
      case 3, 4, 5, 6 -> Reviews.JSON.writeValueAsBytes(mutateTree(random, (ObjectNode) Reviews.JSON.readTree(seed)));
      case 7 -> Reviews.JSON.writeValueAsBytes(randomJson(random, 0));
      case 8 -> special(random, seed);
      default -> seed;
    };
  }

  static byte[] oversized(Random random) {
    byte[] body = new byte[(int) AdmissionSettings.DEFAULT_MAX_REQUEST_BYTES + 1 + random.nextInt(100_000)];
    java.util.Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[body.length - 1] = '}';
    return body;
  }

  static byte[] mutateBytes(Random random, byte[] seed) {
    List<Byte> out = new ArrayList<>(seed.length + 16);
    for (byte b : seed) {
      out.add(b);
    }
    int edits = 1 + random.nextInt(8);
    byte[] tokens = "{}[]\",:\\0-e.tfn \u0000".getBytes(StandardCharsets.UTF_8);
    for (int e = 0; e < edits && !out.isEmpty(); e++) {
      int at = random.nextInt(out.size());
      switch (random.nextInt(6)) {
        case 0 -> out.set(at, (byte) random.nextInt(256));
        case 1 -> out.add(at, tokens[random.nextInt(tokens.length)]);
        case 2 -> out.subList(at, Math.min(out.size(), at + 1 + random.nextInt(40))).clear();
        case 3 -> out.subList(at, out.size()).clear();
        case 4 -> out.addAll(at, new ArrayList<>(out.subList(at, Math.min(out.size(), at + 1 + random.nextInt(60)))));
        default -> out.set(at, tokens[random.nextInt(tokens.length)]);
      }
    }
    byte[] bytes = new byte[out.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = out.get(i);
    }
    return bytes;
  }

  static JsonNode mutateTree(Random random, ObjectNode review) {
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(review, containers);
      JsonNode target = containers.get(random.nextInt(containers.size()));
      if (target instanceof ObjectNode object && object.size() > 0) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        switch (random.nextInt(4)) {
          case 0 -> object.remove(name);
          case 1 -> object.set(name + (random.nextBoolean() ? "" : "x"), randomJson(random, 3));
          case 2 -> object.set(name, randomScalar(random));
          default -> object.set(random.nextBoolean() ? name : randomKey(random), randomJson(random, 1));
        }
      } else if (target instanceof ArrayNode array) {
        if (array.size() > 0 && random.nextBoolean()) {
          array.set(random.nextInt(array.size()), random.nextBoolean() ? randomScalar(random) : randomJson(random, 2));
        } else {
          array.add(random.nextBoolean() && array.size() > 0 ? array.get(0).deepCopy() : randomJson(random, 2));
        }
      }
    }
    return review;
  }

  static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> collect(child, out));
    }
  }

  static JsonNode randomJson(Random random, int depth) {
    int kind = depth > 5 ? 9 : random.nextInt(10);
    if (kind < 3) {
      ObjectNode object = NODES.objectNode();
      int size = random.nextInt(5);
      for (int i = 0; i < size; i++) {
        object.set(randomKey(random), randomJson(random, depth + 1));
      }
      return object;
    }
    if (kind < 5) {
      ArrayNode array = NODES.arrayNode();
      int size = random.nextInt(5);
      for (int i = 0; i < size; i++) {
        array.add(randomJson(random, depth + 1));
      }
      return array;
    }
    return randomScalar(random);
  }

  static String randomKey(Random random) {
    String[] keys = {"apiVersion", "kind", "request", "uid", "operation", "object", "oldObject", "spec", "steps",
        "finally", "template", "name", "dependsOn", "status", "phase", "metadata", "dryRun", "subResource",
        "backoffLimit", "restartPolicy", "ttlSecondsAfterFinished", "containers", "image", "", "\u0000", "ü"};
    return keys[random.nextInt(keys.length)];
  }

  static JsonNode randomScalar(Random random) {
    return switch (random.nextInt(14)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt());
      case 3 -> NODES.numberNode(Long.MAX_VALUE);
      case 4 -> NODES.numberNode(new java.math.BigInteger("9".repeat(60)));
      case 5 -> NODES.numberNode(random.nextDouble() * 1e300);
      case 6 -> NODES.textNode("");
      case 7 -> NODES.textNode("x".repeat(random.nextInt(10_000)));
      case 8 -> NODES.textNode("JobFlow");
      case 9 -> NODES.textNode("jobflow.dev/v1alpha1");
      case 10 -> NODES.textNode(random.nextBoolean() ? "UPDATE" : "DELETE");
      case 11 -> NODES.textNode("Running");
      case 12 -> NODES.textNode("\u0000\uD83D\uDE00\\\"");
      default -> NODES.numberNode(-1);
    };
  }

  static byte[] special(Random random, byte[] seed) {
    return switch (random.nextInt(10)) {
      case 0 -> new byte[0];
      case 1 -> "null".getBytes();
      case 2 -> ("[".repeat(5000) + "]".repeat(5000)).getBytes();
      case 3 -> ("{\"a\":".repeat(3000) + "1" + "}".repeat(3000)).getBytes();
      case 4 -> new String(seed, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
      case 5 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, seed);
      case 6 -> concat(seed, " {}".getBytes());
      case 7 -> new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
      case 8 -> new String(seed, StandardCharsets.UTF_8).replace("\"uid\"", "\"uid\":1,\"uid\"").getBytes();
      default -> {
        byte[] noise = new byte[random.nextInt(2000)];
        random.nextBytes(noise);
        yield noise;
      }
    };
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
