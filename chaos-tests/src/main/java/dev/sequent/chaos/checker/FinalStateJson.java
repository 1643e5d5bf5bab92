package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.json.Json;
import dev.sequent.chaos.json.JsonException;
import dev.sequent.chaos.json.JsonObject;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link FinalState} as one JSON document, so a failed run's evidence can be checked again (or
 * mutated in a test) without the cluster:
 *
 * <pre>
 * {"openingBalances":[{"participant":"bank-a","account":"a1","money":100}],
 *  "cluster":[{"xid":"t-1","state":"confirmed","beganAtMs":0,"deadlineMs":0,"expired":false,
 *              "branches":[{"branchId":"debit","participant":"bank-a","seq":1,
 *                           "phase2State":"acked","payloadBytes":15}]}],
 *  "participants":[{"participant":"bank-a","watermark":1,
 *                   "applied":[{"xid":"t-1","branchId":"debit","seq":1,"step":"confirm"}]}],
 *  "balances":[{"participant":"bank-a","account":"a1","available":75,"frozen":0}]}
 * </pre>
 */
final class FinalStateJson {
  private FinalStateJson() {}

  static String encode(FinalState state) {
    List<Object> opening = new ArrayList<>();
    state.openingBalances().forEach((account, money) -> {
      Map<String, Object> entry = account(account);
      entry.put("money", money);
      opening.add(entry);
    });
    List<Object> cluster = new ArrayList<>();
    state.cluster().values().forEach(txn -> cluster.add(txn(txn)));
    List<Object> participants = new ArrayList<>();
    state.participants().values().forEach(log -> participants.add(log(log)));
    List<Object> balances = new ArrayList<>();
    state.balances().forEach((account, balance) -> {
      Map<String, Object> entry = account(account);
      entry.put("available", balance.available());
      entry.put("frozen", balance.frozen());
      balances.add(entry);
    });
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("openingBalances", opening);
    document.put("cluster", cluster);
    document.put("participants", participants);
    document.put("balances", balances);
    return Json.write(document);
  }

  static FinalState decode(String text) {
    JsonObject document = Json.parseObject(text)
        .allowOnly("openingBalances", "cluster", "participants", "balances");
    Map<AccountRef, Long> opening = new HashMap<>();
    for (JsonObject entry : document.objects("openingBalances")) {
      entry.allowOnly("participant", "account", "money");
      AccountRef account = account(entry);
      unique(opening.put(account, entry.longValue("money")), "openingBalances", account);
    }
    Map<String, TxnSnapshot> cluster = new HashMap<>();
    for (JsonObject entry : document.objects("cluster")) {
      TxnSnapshot txn = txn(entry);
      unique(cluster.put(txn.xid(), txn), "cluster", txn.xid());
    }
    Map<String, ParticipantLog> participants = new HashMap<>();
    for (JsonObject entry : document.objects("participants")) {
      ParticipantLog log = log(entry);
      unique(participants.put(log.participant(), log), "participants", log.participant());
    }
    Map<AccountRef, Balance> balances = new HashMap<>();
    for (JsonObject entry : document.objects("balances")) {
      entry.allowOnly("participant", "account", "available", "frozen");
      AccountRef account = account(entry);
      unique(balances.put(account,
          new Balance(entry.longValue("available"), entry.longValue("frozen"))), "balances",
          account);
    }
    return new FinalState(opening, cluster, participants, balances);
  }

  private static Map<String, Object> txn(TxnSnapshot txn) {
    List<Object> branches = new ArrayList<>();
    for (BranchSnapshot branch : txn.branches()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("branchId", branch.branchId());
      entry.put("participant", branch.participant());
      entry.put("seq", branch.seq());
      entry.put("phase2State", lower(branch.phase2State()));
      entry.put("payloadBytes", branch.payloadBytes());
      branches.add(entry);
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("xid", txn.xid());
    entry.put("state", lower(txn.state()));
    entry.put("beganAtMs", txn.beganAtMs());
    entry.put("deadlineMs", txn.deadlineMs());
    entry.put("expired", txn.expired());
    entry.put("branches", branches);
    return entry;
  }

  private static TxnSnapshot txn(JsonObject entry) {
    entry.allowOnly("xid", "state", "beganAtMs", "deadlineMs", "expired", "branches");
    List<BranchSnapshot> branches = new ArrayList<>();
    for (JsonObject branch : entry.objects("branches")) {
      branch.allowOnly("branchId", "participant", "seq", "phase2State", "payloadBytes");
      branches.add(new BranchSnapshot(branch.string("branchId"), branch.string("participant"),
          branch.longValue("seq"), branch.enumValue("phase2State", Phase2State.class),
          branch.intValue("payloadBytes")));
    }
    return new TxnSnapshot(entry.string("xid"), entry.enumValue("state", TxnState.class),
        entry.longValue("beganAtMs"), entry.longValue("deadlineMs"), branches,
        entry.bool("expired"));
  }

  private static Map<String, Object> log(ParticipantLog log) {
    List<Object> applied = new ArrayList<>();
    for (AppliedCall call : log.applied()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("xid", call.xid());
      entry.put("branchId", call.branchId());
      entry.put("seq", call.seq());
      entry.put("step", lower(call.step()));
      applied.add(entry);
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("participant", log.participant());
    entry.put("watermark", log.watermark());
    entry.put("applied", applied);
    return entry;
  }

  private static ParticipantLog log(JsonObject entry) {
    entry.allowOnly("participant", "watermark", "applied");
    List<AppliedCall> applied = new ArrayList<>();
    for (JsonObject call : entry.objects("applied")) {
      call.allowOnly("xid", "branchId", "seq", "step");
      applied.add(new AppliedCall(call.string("xid"), call.string("branchId"),
          call.longValue("seq"), call.enumValue("step", AppliedCall.Step.class)));
    }
    return new ParticipantLog(entry.string("participant"), applied, entry.longValue("watermark"));
  }

  private static Map<String, Object> account(AccountRef account) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("participant", account.participant());
    entry.put("account", account.account());
    return entry;
  }

  private static AccountRef account(JsonObject entry) {
    return new AccountRef(entry.string("participant"), entry.string("account"));
  }

  private static void unique(Object previous, String list, Object key) {
    if (previous != null) {
      throw new JsonException("$." + list + ": " + key + " appears twice");
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
