package dev.sequent.chaos.bank;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sequent.chaos.json.Json;
import dev.sequent.client.participant.BranchFence;
import dev.sequent.examples.bank.Account;
import dev.sequent.examples.bank.AccountService;
import dev.sequent.examples.bank.AppliedCall;
import dev.sequent.examples.bank.BankSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bank node's read-only HTTP port, for the chaos harness (JSON in, JSON out):
 *
 * <ul>
 *   <li>{@code GET /snapshot}: {@code {"participant", "lastAppliedSeq", "accounts": [{"id",
 *       "balance", "frozen"}]}}, one consistent view ({@link AccountService#snapshot()});
 *   <li>{@code GET /journal}: {@code {"watermark", "calls": [{"seq", "xid", "branch",
 *       "step"}]}}, the applied phase-2 calls in applied order and the fence's applied seq
 *       (read after the journal, so it is at least the journal's last seq);
 *   <li>{@code POST /fences} with {@code [["xid", "branch"], ...]}: {@code {"rows": [{"xid",
 *       "branch", "state", "seq"}]}} for the rows that exist.
 * </ul>
 *
 * A bad request gets 400 with the reason; a failure reading the database gets 500. Neither
 * touches the bank's state.
 */
final class BankControl implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BankControl.class);
  static final int REQUEST_BYTES_MAX = 16 * 1024 * 1024;
  static final int THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;

  private BankControl(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static BankControl start(AccountService bank, int port) throws IOException {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
      Thread thread = new Thread(task, "bank-control-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 16);
    server.setExecutor(executor);
    server.createContext("/snapshot", exchange -> serve(exchange, "GET", () -> snapshot(bank)));
    server.createContext("/journal", exchange -> serve(exchange, "GET", () -> journal(bank)));
    server.createContext("/fences", exchange -> serve(exchange, "POST",
        () -> fences(bank, body(exchange))));
    server.start();
    return new BankControl(server, executor);
  }

  private static Map<String, Object> snapshot(AccountService bank) {
    BankSnapshot snapshot = bank.snapshot();
    List<Object> accounts = new ArrayList<>();
    for (Account account : snapshot.accounts()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", account.id());
      entry.put("balance", account.balance());
      entry.put("frozen", account.frozen());
      accounts.add(entry);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("participant", bank.participant());
    document.put("lastAppliedSeq", snapshot.lastAppliedSeq());
    document.put("accounts", accounts);
    return document;
  }

  private static Map<String, Object> journal(AccountService bank) {
    List<Object> calls = new ArrayList<>();
    for (AppliedCall call : bank.appliedCalls()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("seq", call.seq());
      entry.put("xid", call.xid());
      entry.put("branch", call.branchId());
      entry.put("step", call.step().name());
      calls.add(entry);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("participant", bank.participant());
    // After the journal: the fence's row and watermark commit with or after the journal entry.
    document.put("watermark", bank.fence().watermark(bank.participant()).appliedSeq());
    document.put("calls", calls);
    return document;
  }

  private static Map<String, Object> fences(AccountService bank, String body) {
    Object parsed = Json.parse(body);
    if (!(parsed instanceof List<?> keys)) {
      throw new IllegalArgumentException("expected [[xid, branch], ...]");
    }
    List<Object> rows = new ArrayList<>();
    for (Object key : keys) {
      if (!(key instanceof List<?> pair) || pair.size() != 2
          || !(pair.get(0) instanceof String xid) || !(pair.get(1) instanceof String branch)) {
        throw new IllegalArgumentException("expected [xid, branch], was " + Json.write(key));
      }
      Optional<BranchFence> row = bank.fence().branch(bank.participant(), xid, branch);
      row.ifPresent(fence -> {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("xid", fence.xid());
        entry.put("branch", fence.branchId());
        entry.put("state", fence.state().name());
        entry.put("seq", fence.seq());
        rows.add(entry);
      });
    }
    return Map.of("rows", rows);
  }

  /** A response body, computed when the request is served. */
  private interface Body {
    Object get() throws IOException;
  }

  private static void serve(HttpExchange exchange, String method, Body body) throws IOException {
    int status;
    String text;
    try {
      if (!exchange.getRequestMethod().equals(method)) {
        status = 405;
        text = Json.write(Map.of("error", "use " + method));
      } else {
        text = Json.write(body.get());
        status = 200;
      }
    } catch (IllegalArgumentException e) { // JsonException included
      status = 400;
      text = Json.write(Map.of("error", String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      log.warn("control request {} failed", exchange.getRequestURI(), e);
      status = 500;
      text = Json.write(Map.of("error", String.valueOf(e)));
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(REQUEST_BYTES_MAX + 1);
      if (bytes.length > REQUEST_BYTES_MAX) {
        throw new IllegalArgumentException("request over " + REQUEST_BYTES_MAX + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
