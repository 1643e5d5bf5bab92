package dev.sequent.chaos.harness;

import dev.sequent.chaos.checker.AppliedCall;
import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.json.Json;
import dev.sequent.chaos.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a bank node's evidence over its control port (see {@code BankControl}): bounded waits,
 * and any answer but 200 is an {@link IOException} with the bank's reason.
 */
final class BankReader {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** One consistent read of a bank: balances and the last seq they reflect. */
  record Snapshot(Map<AccountRef, Balance> balances, long lastAppliedSeq) {}

  /** A bank's journal: applied calls in applied order, and the fence watermark. */
  record Journal(List<AppliedCall> calls, long watermark) {}

  /** A fence row. */
  record FenceRow(String xid, String branch, String state, long seq) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
      .build();

  Snapshot snapshot(String participant, InetSocketAddress control)
      throws IOException, InterruptedException {
    JsonObject document = get(control, "/snapshot");
    Map<AccountRef, Balance> balances = new LinkedHashMap<>();
    for (JsonObject account : document.objects("accounts")) {
      long balance = account.longValue("balance");
      long frozen = account.longValue("frozen");
      balances.put(new AccountRef(participant, account.string("id")),
          new Balance(balance - frozen, frozen));
    }
    return new Snapshot(balances, document.longValue("lastAppliedSeq"));
  }

  Journal journal(InetSocketAddress control) throws IOException, InterruptedException {
    JsonObject document = get(control, "/journal");
    List<AppliedCall> calls = new ArrayList<>();
    for (JsonObject call : document.objects("calls")) {
      calls.add(new AppliedCall(call.string("xid"), call.string("branch"),
          call.longValue("seq"), AppliedCall.Step.valueOf(call.string("step"))));
    }
    return new Journal(calls, document.longValue("watermark"));
  }

  List<FenceRow> fences(InetSocketAddress control, List<List<String>> keys)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri(control, "/fences"))
        .timeout(REQUEST_TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(keys))).build();
    JsonObject document = send(request);
    List<FenceRow> rows = new ArrayList<>();
    for (JsonObject row : document.objects("rows")) {
      rows.add(new FenceRow(row.string("xid"), row.string("branch"), row.string("state"),
          row.longValue("seq")));
    }
    return rows;
  }

  private JsonObject get(InetSocketAddress control, String path)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(control, path)).timeout(REQUEST_TIMEOUT).GET()
        .build());
  }

  private JsonObject send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(request.uri() + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return Json.parseObject(response.body());
  }

  private static URI uri(InetSocketAddress control, String path) {
    return URI.create("http://" + control.getAddress().getHostAddress() + ":"
        + control.getPort() + path);
  }
}
