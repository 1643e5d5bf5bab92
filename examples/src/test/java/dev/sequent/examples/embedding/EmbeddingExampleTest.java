package dev.sequent.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.TccClient;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.examples.embedding.CheckoutInitiator.Checkout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example end to end: a real cluster, the orders service over real HTTP on
 * 127.0.0.1, the xid in a header, the participant registering its own branch.
 */
class EmbeddingExampleTest {
  @TempDir Path dir;

  @Test
  void theXidTravelsInAHeaderAndTheDecisionsReachTheStock() throws Exception {
    ExecutorService httpThreads = Executors.newFixedThreadPool(2,
        OrdersService.named("test-http"));
    try (EmbeddedCluster cluster = new EmbeddedCluster(3, dir, Map.of()).start();
        OrdersService orders = OrdersService.start(cluster.clientAddresses());
        TccClient client = TccClient.builder().seeds(cluster.clientAddresses()).build()) {
      cluster.awaitLeader(30_000);
      orders.addStock("chair", 5);
      HttpClient http = HttpClient.newBuilder().executor(httpThreads).build();

      HttpResponse<String> noXid = http.send(HttpRequest.newBuilder(orders.uri())
          .POST(HttpRequest.BodyPublishers.ofString("chair 1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, noXid.statusCode(), "an order outside a transaction is refused");

      CheckoutInitiator checkout = new CheckoutInitiator(client, http, orders.uri());
      Checkout bought = checkout.buy("chair", 4);
      assertTrue(bought.confirmed(), bought.why());
      assertEquals(1, client.blocking().status(bought.xid()).txn().branches().size(),
          "the orders service registered its own branch");
      Checkout refused = checkout.buy("chair", 2);
      assertFalse(refused.confirmed(), refused.why());
      assertTrue(refused.why().contains("409"), refused.why());

      assertEquals(TxnState.CONFIRMED, EmbeddingExample.awaitFinished(client, bought.xid()));
      assertEquals(TxnState.CANCELLED, EmbeddingExample.awaitFinished(client, refused.xid()));
      assertArrayEquals(new int[] {1, 0}, orders.stockLevel("chair"),
          "4 shipped, the refused 2 never reserved");
    } finally {
      httpThreads.shutdownNow();
    }
  }

  @Test
  void theExampleRunsAndExitsZero() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = EmbeddingExample.run(out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, output);
    assertTrue(output.contains("ok: the stock is what the two decisions say"), output);
  }
}
