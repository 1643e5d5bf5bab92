package dev.sequent.examples.embedding;

import dev.sequent.client.TccClient;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.examples.QuietLogs;
import dev.sequent.examples.embedding.CheckoutInitiator.Checkout;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedding example, end to end: a three-node cluster, the orders service (a participant
 * reached over HTTP with the xid in a header) and a checkout initiator. Three lamps are in stock;
 * the first checkout buys two and is confirmed, the second asks for two more, is refused by the
 * orders service's try and cancelled. Exits 0 when the stock ends as it should (one lamp on hand,
 * none reserved), 1 otherwise.
 */
public final class EmbeddingExample {
  static final long FINISH_WAIT_MS = 30_000;

  private EmbeddingExample() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(System.out));
  }

  static int run(PrintStream out) throws Exception {
    QuietLogs.apply();
    Path dir = Files.createTempDirectory("sequent-embedding-");
    ExecutorService httpThreads = Executors.newFixedThreadPool(2,
        OrdersService.named("checkout-http"));
    try (EmbeddedCluster cluster = new EmbeddedCluster(3, dir, Map.of()).start();
        OrdersService orders = OrdersService.start(cluster.clientAddresses());
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses()).build()) {
      out.printf("Cluster leader %s; orders service at %s%n", cluster.awaitLeader(30_000).id(),
          orders.uri());
      orders.addStock("lamp", 3);
      HttpClient http = HttpClient.newBuilder().executor(httpThreads).build();
      CheckoutInitiator checkout = new CheckoutInitiator(client, http, orders.uri());
      Checkout first = checkout.buy("lamp", 2);
      out.printf("checkout 1, 2 lamps: %s (%s)%n", first.confirmed() ? "confirmed" : "cancelled",
          first.why());
      Checkout second = checkout.buy("lamp", 2);
      out.printf("checkout 2, 2 lamps: %s (%s)%n", second.confirmed() ? "confirmed"
          : "cancelled", second.why());
      TxnState firstEnd = awaitFinished(client, first.xid());
      TxnState secondEnd = awaitFinished(client, second.xid());
      int[] level = orders.stockLevel("lamp");
      out.printf("phase two: checkout 1 %s, checkout 2 %s; lamps on hand %d, reserved %d%n",
          firstEnd, secondEnd, level[0], level[1]);
      boolean ok = first.confirmed() && !second.confirmed() && firstEnd == TxnState.CONFIRMED
          && secondEnd == TxnState.CANCELLED && level[0] == 1 && level[1] == 0;
      out.println(ok ? "ok: the stock is what the two decisions say" : "FAIL: unexpected end");
      return ok ? 0 : 1;
    } finally {
      httpThreads.shutdownNow();
      deleteRecursively(dir);
    }
  }

  /** Waits (bounded) until phase two of xid is done; returns its last state. */
  static TxnState awaitFinished(TccClient client, String xid) throws InterruptedException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FINISH_WAIT_MS);
    TxnSnapshot txn = client.blocking().status(xid).txn();
    while (txn != null && txn.state() != TxnState.CONFIRMED && txn.state() != TxnState.CANCELLED
        && System.nanoTime() < deadlineNs) {
      TimeUnit.MILLISECONDS.sleep(50);
      txn = client.blocking().status(xid).txn();
    }
    return txn == null ? TxnState.UNKNOWN : txn.state();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
