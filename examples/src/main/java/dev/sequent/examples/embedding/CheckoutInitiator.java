package dev.sequent.examples.embedding;

import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * An initiator that reaches its participants over their own RPC: it begins a transaction with no
 * branches, calls the orders service over HTTP with the xid in the {@value
 * OrdersService#XID_HEADER} header (the service registers its own branch and tries it), and then
 * confirms when the service said yes, cancels otherwise.
 */
public final class CheckoutInitiator {
  static final long TXN_TIMEOUT_MS = 10_000;
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

  private final TccClient client;
  private final HttpClient http;
  private final URI orders;

  /**
   * @param client the initiator's client of the cluster
   * @param http the initiator's HTTP client
   * @param orders the orders service's URI
   */
  public CheckoutInitiator(TccClient client, HttpClient http, URI orders) {
    this.client = client;
    this.http = http;
    this.orders = orders;
  }

  /** What a checkout ended with. */
  public record Checkout(String xid, boolean confirmed, String why) {}

  /** Buys {@code quantity} of {@code sku}: one transaction, one HTTP call, one decision. */
  public Checkout buy(String sku, int quantity) throws InterruptedException {
    String xid = TccClient.newXid();
    TxnResult begun = client.blocking().begin(xid, TXN_TIMEOUT_MS, List.of());
    if (!begun.isOk()) {
      return new Checkout(xid, false, "begin refused: " + begun.outcome());
    }
    HttpRequest request = HttpRequest.newBuilder(orders)
        .header(OrdersService.XID_HEADER, xid) // the xid travels with the service's own call
        .timeout(HTTP_TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(new OrderLine(sku, quantity).toBytes()))
        .build();
    String why;
    boolean accepted;
    try {
      HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
      accepted = reply.statusCode() == 200;
      why = "orders answered " + reply.statusCode() + " " + reply.body().trim();
    } catch (IOException e) {
      accepted = false; // unknown whether the service tried: cancel, the fence makes it safe
      why = "orders unreachable: " + e;
    }
    TxnResult decided = accepted ? client.blocking().confirm(xid) : client.blocking().cancel(xid);
    return new Checkout(xid, accepted && decided.isOk(), why + "; decision " + decided.outcome());
  }
}
