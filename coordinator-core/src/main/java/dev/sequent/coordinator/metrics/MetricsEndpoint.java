package dev.sequent.coordinator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP port for operators: {@code GET /metrics} in Prometheus text format, and {@code
 * GET /health}, 200 while the node's Raft division is alive and 503 once it is not. Anything else
 * is 404 (405 for a method other than GET or HEAD).
 *
 * <p>Built on the JDK's HTTP server: scrapes are rare and small, so one handler thread, named
 * {@code sequent-metrics-http-<node>}, serves them from a bounded queue; when the queue is full,
 * the server's own accept thread runs the request, which slows new connections down instead of
 * dropping them.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final int QUEUE_MAX = 64;
  private static final long STOP_WAIT_MS = 2_000;

  /** What /health answers: the status (200 or 503 by {@code up}) and a small JSON body. */
  public record Health(boolean up, String json) {}

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final Supplier<String> scrape;
  private final Supplier<Health> health;

  private MetricsEndpoint(HttpServer server, ThreadPoolExecutor executor, Supplier<String> scrape,
      Supplier<Health> health) {
    this.server = server;
    this.executor = executor;
    this.scrape = scrape;
    this.health = health;
  }

  /**
   * Binds host:port (port 0 picks a free one) and serves.
   *
   * @param scrape the metrics in Prometheus text format
   * @throws IOException when the address cannot be bound
   */
  public static MetricsEndpoint start(String host, int port, String nodeId,
      Supplier<String> scrape, Supplier<Health> health) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE_MAX), r -> {
          Thread t = new Thread(r, "sequent-metrics-http-" + nodeId);
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    MetricsEndpoint endpoint = new MetricsEndpoint(server, executor, scrape, health);
    server.createContext("/", endpoint::handle);
    server.setExecutor(executor);
    server.start();
    LOG.info("Node {} serves metrics on http://{}:{}/metrics", nodeId, host,
        server.getAddress().getPort());
    return endpoint;
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private record Response(int status, String contentType, String body) {}

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Response response;
      try {
        response = respond(method, exchange.getRequestURI().getPath());
      } catch (RuntimeException e) {
        // A failing gauge must not take the port down: answer 500 and keep serving.
        LOG.warn("Metrics request {} failed", exchange.getRequestURI(), e);
        response = new Response(500, TEXT, "internal error\n");
      }
      if (response.status() == 405) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      boolean head = method.equals("HEAD");
      exchange.sendResponseHeaders(response.status(), head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private Response respond(String method, String path) {
    if (!path.equals("/metrics") && !path.equals("/health")) {
      return new Response(404, TEXT, "not found: try /metrics or /health\n");
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return new Response(405, TEXT, "method not allowed\n");
    }
    if (path.equals("/metrics")) {
      return new Response(200, PROMETHEUS_TEXT, scrape.get());
    }
    Health now = health.get();
    return new Response(now.up() ? 200 : 503, "application/json", now.json() + "\n");
  }

  /** Stops accepting, drops open exchanges and stops the handler thread (bounded waits). */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
        LOG.warn("Metrics handler thread did not stop within {} ms", STOP_WAIT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
