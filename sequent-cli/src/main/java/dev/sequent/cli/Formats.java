package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.TxnSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the CLI shows the cluster's records, as JSON trees and as text for people. */
final class Formats {
  private Formats() {}

  static Map<String, Object> txn(TxnSnapshot txn) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("xid", txn.xid());
    json.put("state", txn.state());
    json.put("beganAtMs", txn.beganAtMs());
    json.put("deadlineMs", txn.deadlineMs());
    json.put("expired", txn.expired());
    List<Object> branches = new ArrayList<>();
    for (BranchSnapshot branch : txn.branches()) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("branchId", branch.branchId());
      b.put("participant", branch.participant());
      b.put("seq", branch.seq());
      b.put("phase2State", branch.phase2State());
      b.put("payloadBytes", branch.payloadBytes());
      branches.add(b);
    }
    json.put("branches", branches);
    return json;
  }

  static List<Object> members(List<AdminClient.Member> members) {
    List<Object> json = new ArrayList<>();
    for (AdminClient.Member member : members) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", member.nodeId());
      m.put("host", member.host());
      m.put("raftPort", member.raftPort());
      m.put("clientPort", member.clientPort() == 0 ? null : member.clientPort());
      json.add(m);
    }
    return json;
  }

  /** A member as one entry of cluster.peers: {@code id=host:raftPort:clientPort}. */
  static String peer(AdminClient.Member member) {
    return member.nodeId() + "=" + member.host() + ":" + member.raftPort() + ":"
        + (member.clientPort() == 0 ? "CLIENT_PORT" : member.clientPort());
  }

  /** Cluster time (milliseconds since the epoch) as an ISO-8601 instant, UTC. */
  static String time(long epochMs) {
    return epochMs <= 0 ? "-" : Instant.ofEpochMilli(epochMs).toString();
  }
}
