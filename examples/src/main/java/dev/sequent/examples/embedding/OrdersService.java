package dev.sequent.examples.embedding;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sequent.client.TccClient;
import dev.sequent.client.TryResult;
import dev.sequent.client.participant.JdbcFenceStore;
import dev.sequent.client.participant.ParticipantEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A participant service as you would write one: its own HTTP API, its own database, and Sequent
 * embedded in a few lines.
 *
 * <p>{@code POST /orders} with body {@code "lamp 2"} and header {@value #XID_HEADER} reserves two
 * lamps as this service's branch of the caller's transaction: the handler hands the xid to {@link
 * ParticipantEndpoint#registerAndTry}, which registers the branch with the cluster and runs the
 * fenced try. The cluster later delivers the confirm or cancel to the endpoint, in order.
 */
public final class OrdersService implements AutoCloseable {
  /** The HTTP header that carries the transaction id. */
  public static final String XID_HEADER = "Sequent-Xid";
  static final String PARTICIPANT = "orders";
  static final long TRY_WAIT_MS = 10_000;

  private final JdbcConnectionPool database;
  private final TccClient client;
  private final ParticipantEndpoint endpoint;
  private final HttpServer http;
  private final ExecutorService httpThreads;

  private OrdersService(List<InetSocketAddress> coordinators) throws Exception {
    database = JdbcConnectionPool.create("jdbc:h2:mem:orders-" + UUID.randomUUID()
        + ";DB_CLOSE_DELAY=-1", "sa", "");
    try (Connection connection = database.getConnection()) {
      Stock.createTable(connection);
    }
    // Sequent, embedded: a fence in the service's own database, an endpoint hosting the resource
    // with that fence, and a client of the cluster (to announce the endpoint and register
    // branches).
    client = TccClient.builder().seeds(coordinators).build();
    endpoint = ParticipantEndpoint.builder()
        .participant(PARTICIPANT, new StockReservations(), JdbcFenceStore.create(database))
        .client(client)
        .start();
    // The service's own RPC.
    httpThreads = Executors.newFixedThreadPool(4, named("orders-http"));
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(httpThreads);
    http.createContext("/orders", this::placeOrder);
    http.start();
  }

  /** Starts the service on 127.0.0.1, taking part in transactions of the cluster given. */
  public static OrdersService start(List<InetSocketAddress> coordinators) throws Exception {
    return new OrdersService(coordinators);
  }

  /** Where the HTTP API listens. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/orders");
  }

  private void placeOrder(HttpExchange exchange) throws IOException {
    try (exchange) {
      String xid = exchange.getRequestHeaders().getFirst(XID_HEADER);
      if (!exchange.getRequestMethod().equals("POST") || xid == null) {
        reply(exchange, 400, "POST an order line with a " + XID_HEADER + " header");
        return;
      }
      OrderLine line = OrderLine.parse(exchange.getRequestBody().readAllBytes());
      TryResult tried = endpoint.registerAndTry(PARTICIPANT, xid, "order-" + line.sku(),
          line.toBytes()).get(TRY_WAIT_MS, TimeUnit.MILLISECONDS);
      reply(exchange, tried.isOk() ? 200 : 409, tried.outcome() + " " + tried.message());
    } catch (IllegalArgumentException e) {
      reply(exchange, 400, e.getMessage());
    } catch (Exception e) {
      // The registration or the try did not answer in time: the caller must cancel.
      reply(exchange, 503, String.valueOf(e));
    }
  }

  private static void reply(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** Puts items on the shelf (outside any transaction). */
  public void addStock(String sku, int quantity) throws SQLException {
    try (Connection connection = database.getConnection()) {
      new Stock(connection).add(sku, quantity);
    }
  }

  /** On hand and reserved items of a sku, as {@code {onHand, reserved}}. */
  public int[] stockLevel(String sku) throws SQLException {
    try (Connection connection = database.getConnection()) {
      return new Stock(connection).level(sku);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    httpThreads.shutdownNow();
    endpoint.close();
    client.close();
    database.dispose();
  }

  static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger next = new AtomicInteger(1);
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + next.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    };
  }
}
