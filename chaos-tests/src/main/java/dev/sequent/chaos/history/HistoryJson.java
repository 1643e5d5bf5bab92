package dev.sequent.chaos.history;

import dev.sequent.chaos.json.Json;
import dev.sequent.chaos.json.JsonException;
import dev.sequent.chaos.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One event as one JSON line, Jepsen's field names where they exist:
 *
 * <pre>
 * {"index":0,"type":"invoke","f":"transfer","process":3,"timeNs":1200,
 *  "value":{"xid":"t-1","from":{"participant":"bank-a","account":"a1"},
 *           "to":{"participant":"bank-b","account":"b2"},"amount":25}}
 * {"index":7,"type":"ok","f":"read","process":1,"timeNs":9100,
 *  "value":{"balances":[{"participant":"bank-a","account":"a1","available":75,"frozen":25}],
 *           "appliedSeqs":{"bank-a":4}}}
 * {"index":9,"type":"info","f":"transfer","process":3,"timeNs":31000,"error":"timed out",...}
 * </pre>
 *
 * Decoding is strict: unknown fields, missing fields and wrong types are refused.
 */
final class HistoryJson {
  private HistoryJson() {}

  static String encode(Event event) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("index", event.index());
    line.put("type", event.type().name().toLowerCase(Locale.ROOT));
    line.put("f", event.op().kind().name().toLowerCase(Locale.ROOT));
    line.put("process", event.process());
    line.put("timeNs", event.timeNs());
    if (!event.error().isEmpty()) {
      line.put("error", event.error());
    }
    line.put("value", event.op().kind() == OpKind.TRANSFER
        ? transfer(event.transfer()) : read(event.read()));
    return Json.write(line);
  }

  /**
   * The event on a line.
   *
   * @throws IllegalArgumentException ({@link JsonException} included) when the line is not one
   */
  static Event decode(String line) {
    if (line.isBlank()) {
      throw new JsonException("empty line");
    }
    JsonObject json = Json.parseObject(line)
        .allowOnly("index", "type", "f", "process", "timeNs", "error", "value");
    OpKind kind = json.enumValue("f", OpKind.class);
    JsonObject value = json.object("value");
    Op op = kind == OpKind.TRANSFER ? transfer(value) : read(value);
    return new Event(json.longValue("index"), json.enumValue("type", EventType.class),
        json.intValue("process"), json.longValue("timeNs"), op, json.string("error", ""));
  }

  private static Map<String, Object> transfer(Transfer transfer) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("xid", transfer.xid());
    value.put("from", account(transfer.from()));
    value.put("to", account(transfer.to()));
    value.put("amount", transfer.amount());
    return value;
  }

  private static Transfer transfer(JsonObject value) {
    value.allowOnly("xid", "from", "to", "amount");
    return new Transfer(value.string("xid"),
        account(value.object("from").allowOnly("participant", "account")),
        account(value.object("to").allowOnly("participant", "account")),
        value.longValue("amount"));
  }

  private static Map<String, Object> read(Read read) {
    List<Object> balances = new ArrayList<>();
    read.balances().forEach((account, balance) -> {
      Map<String, Object> entry = account(account);
      entry.put("available", balance.available());
      entry.put("frozen", balance.frozen());
      balances.add(entry);
    });
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("balances", balances);
    value.put("appliedSeqs", new LinkedHashMap<>(read.appliedSeqs()));
    return value;
  }

  private static Read read(JsonObject value) {
    value.allowOnly("balances", "appliedSeqs");
    Map<AccountRef, Balance> balances = new HashMap<>();
    for (JsonObject entry : value.objects("balances")) {
      entry.allowOnly("participant", "account", "available", "frozen");
      AccountRef account = account(entry);
      Balance balance = new Balance(entry.longValue("available"), entry.longValue("frozen"));
      if (balances.put(account, balance) != null) {
        throw new JsonException(value.pathOf("balances") + ": account " + account
            + " appears twice");
      }
    }
    JsonObject seqs = value.object("appliedSeqs");
    Map<String, Long> appliedSeqs = new HashMap<>();
    for (String participant : seqs.names()) {
      appliedSeqs.put(participant, seqs.longValue(participant));
    }
    return new Read(balances, appliedSeqs);
  }

  private static Map<String, Object> account(AccountRef account) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("participant", account.participant());
    value.put("account", account.account());
    return value;
  }

  private static AccountRef account(JsonObject value) {
    return new AccountRef(value.string("participant"), value.string("account"));
  }
}
