package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The HTTP endpoint over a real socket on 127.0.0.1: paths, methods, statuses, its thread. */
class MetricsEndpointTest {

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> call(MetricsEndpoint endpoint, String method, String path)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + endpoint.address().getPort() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsAndHealthAndNothingElse() throws Exception {
    AtomicBoolean up = new AtomicBoolean(true);
    AtomicReference<String> scrapeThread = new AtomicReference<>();
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, "n9", () -> {
      scrapeThread.set(Thread.currentThread().getName());
      return "# TYPE sequent_x gauge\nsequent_x 1.0\n";
    }, () -> new MetricsEndpoint.Health(up.get(), "{\"up\":" + up.get() + "}"))) {
      HttpResponse<String> metrics = call(endpoint, "GET", "/metrics");
      assertEquals(200, metrics.statusCode());
      assertEquals(MetricsEndpoint.PROMETHEUS_TEXT,
          metrics.headers().firstValue("Content-Type").orElse(""));
      assertTrue(metrics.body().contains("sequent_x 1.0"), metrics.body());
      assertEquals("sequent-metrics-http-n9", scrapeThread.get(), "served on the named thread");

      assertEquals(200, call(endpoint, "GET", "/health").statusCode());
      up.set(false);
      HttpResponse<String> down = call(endpoint, "GET", "/health");
      assertEquals(503, down.statusCode());
      assertEquals("{\"up\":false}\n", down.body());

      assertEquals(404, call(endpoint, "GET", "/metrics/extra").statusCode());
      assertEquals(404, call(endpoint, "GET", "/").statusCode());
      HttpResponse<String> post = call(endpoint, "POST", "/metrics");
      assertEquals(405, post.statusCode());
      assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
      HttpResponse<String> head = call(endpoint, "HEAD", "/metrics");
      assertEquals(200, head.statusCode());
      assertEquals("", head.body());
    }
  }

  @Test
  void aFailingScrapeAnswers500AndTheEndpointKeepsServing() throws Exception {
    AtomicBoolean fail = new AtomicBoolean(true);
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, "n9", () -> {
      if (fail.get()) {
        throw new IllegalStateException("a gauge broke");
      }
      return "ok\n";
    }, () -> new MetricsEndpoint.Health(true, "{}"))) {
      assertEquals(500, call(endpoint, "GET", "/metrics").statusCode());
      fail.set(false);
      assertEquals(200, call(endpoint, "GET", "/metrics").statusCode());
    }
  }
}
