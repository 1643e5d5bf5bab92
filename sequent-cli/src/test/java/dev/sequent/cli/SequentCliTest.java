package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.Phase2State;
import dev.sequent.client.TccClient;
import dev.sequent.client.TransactionResult;
import dev.sequent.client.TxnState;
import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.client.participant.TccResource;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.storage.InMemoryStateStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sequent-admin against a real three-node cluster on 127.0.0.1: what each command prints, that
 * --json is one JSON document, and the exit codes of refusals (1), bad usage (2) and an
 * unreachable cluster (3).
 */
class SequentCliTest {
  /** A participant whose confirm always fails: its calls end up needing an operator. */
  static final TccResource CONFIRM_FAILS = new TccResource() {
    @Override
    public void onTry(BranchContext branch) {}

    @Override
    public void onConfirm(BranchContext branch) {
      throw new IllegalStateException("this participant's confirm always fails");
    }

    @Override
    public void onCancel(BranchContext branch) {}
  };

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static TccClient client;
  static ParticipantEndpoint endpoint;
  static RocksFenceStore fence;
  static String nodes;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("raft.electionTimeoutMinMs", "600");
    settings.put("raft.electionTimeoutMaxMs", "1200");
    settings.put("raft.requestTimeoutMs", "2000");
    settings.put("dispatch.attemptsMax", "2");
    settings.put("dispatch.backoffInitialMs", "20");
    settings.put("dispatch.backoffMaxMs", "200");
    cluster = new EmbeddedCluster(3, dir, settings).start();
    cluster.awaitLeader(30_000);
    nodes = Cli.nodes(cluster.clientAddresses());
    fence = RocksFenceStore.over(InMemoryStateStore.create(RocksFenceStore.KEYSPACES));
    endpoint = ParticipantEndpoint.builder().participant("stuck", CONFIRM_FAILS, fence).start();
    client = TccClient.builder().seeds(cluster.clientAddresses()).operationTimeoutMs(30_000)
        .participantEndpoint("stuck", endpoint.address()).build();
    assertTrue(client.blocking().announceEndpoint("stuck", "127.0.0.1",
        endpoint.address().getPort()).isOk());
  }

  @AfterAll
  static void stop() {
    client.close();
    endpoint.close();
    fence.close();
    cluster.close();
  }

  @Test
  void statusShowsEveryNodeAndOneLeaderWithNodesFromTheEnvironment() {
    Cli.Run run = Cli.run(Map.of(SequentCli.NODES_ENV, nodes), "status");
    assertEquals(0, run.code(), run.toString());
    List<String> rows = run.out().lines().filter(l -> l.matches("n\\d.*")).toList();
    assertEquals(3, rows.size(), run.toString());
    assertEquals(1, rows.stream().filter(r -> r.contains("LEADER")).count(), run.toString());
    assertEquals(1, rows.stream().filter(r -> r.contains(" * ")).count(), "leader marked");
    assertTrue(run.out().contains("members: n1, n2, n3"), run.toString());

    Cli.Run json = Cli.run("--nodes", nodes, "--json", "status");
    assertEquals(0, json.code(), json.toString());
    Map<String, Object> document = JsonCheck.object(json.out());
    List<?> all = (List<?>) document.get("nodes");
    assertEquals(3, all.size());
    long leaders = all.stream().map(n -> ((Map<?, ?>) n).get("role"))
        .filter("LEADER"::equals).count();
    assertEquals(1, leaders, json.out());
    assertTrue(((String) document.get("leader")).matches("n[123]"), json.out());
    assertEquals(3, ((List<?>) document.get("members")).size());
  }

  @Test
  void txnsListPagesThroughEveryTxnWithItsToken() {
    for (int i = 1; i <= 5; i++) {
      assertTrue(client.blocking().begin("cli-" + i, 60_000, List.of()).isOk());
    }
    List<String> listed = new ArrayList<>();
    String after = null;
    Pattern next = Pattern.compile("next page: --after (\\S+)");
    for (int page = 0; page < 50; page++) {
      Cli.Run run = after == null
          ? Cli.run("--nodes", nodes, "txns", "list", "--limit", "2")
          : Cli.run("--nodes", nodes, "txns", "list", "--limit", "2", "--after", after);
      assertEquals(0, run.code(), run.toString());
      List<String> rows = run.out().lines().skip(1)
          .filter(l -> !l.startsWith("next page") && !l.startsWith("(end")).toList();
      assertTrue(rows.size() <= 2, run.toString());
      rows.forEach(r -> listed.add(r.split("\\s+")[0]));
      Matcher token = next.matcher(run.out());
      after = token.find() ? token.group(1) : null;
      if (after == null) {
        assertTrue(run.out().contains("(end of list)"), run.toString());
        break;
      }
    }
    assertNull(after, "the listing ended");
    assertEquals(listed.stream().sorted().distinct().toList(), listed, "xid order, each once");
    assertTrue(listed.containsAll(List.of("cli-1", "cli-2", "cli-3", "cli-4", "cli-5")),
        listed.toString());

    Cli.Run json = Cli.run("--nodes", nodes, "--json", "txns", "list", "--state", "trying",
        "--limit", "1000");
    assertEquals(0, json.code(), json.toString());
    Map<String, Object> document = JsonCheck.object(json.out());
    List<?> txns = (List<?>) document.get("txns");
    assertTrue(txns.stream().allMatch(t -> "TRYING".equals(((Map<?, ?>) t).get("state"))));
    assertTrue(txns.stream().anyMatch(t -> "cli-3".equals(((Map<?, ?>) t).get("xid"))));
    assertTrue(document.containsKey("next"));
  }

  @Test
  void txnsShowPrintsTheBranchesAndTheirPhaseTwoState() {
    assertTrue(client.blocking().begin("cli-show", 60_000, List.of(
        Branch.of("debit", "accounts-a"), Branch.of("credit", "accounts-b"))).isOk());
    Cli.Run run = Cli.run("--nodes", nodes, "txns", "show", "cli-show");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("state:    TRYING"), run.toString());
    assertTrue(run.out().lines().anyMatch(l -> l.matches("debit\\s+accounts-a\\s+-\\s+"
        + "NOT_DECIDED\\s+0")), run.toString());

    Map<String, Object> json = JsonCheck.object(
        Cli.run("--nodes", nodes, "--json", "txns", "show", "cli-show").out());
    assertEquals("cli-show", json.get("xid"));
    assertEquals(2, ((List<?>) json.get("branches")).size());

    Cli.Run missing = Cli.run("--nodes", nodes, "txns", "show", "no-such-txn");
    assertEquals(CliFailure.REFUSED, missing.code(), missing.toString());
    assertTrue(missing.err().contains("TXN_NOT_FOUND"), missing.toString());
    assertEquals(1, missing.err().lines().count(), "one line, no stack trace");
  }

  @Test
  void aCallNeedingAnOperatorIsListedAndResolved() throws Exception {
    TransactionResult stuck = client.transaction(60_000)
        .branch("credit", "stuck", "1".getBytes(StandardCharsets.UTF_8))
        .execute().get(30, TimeUnit.SECONDS);
    assertTrue(stuck.confirmed());
    long seq = awaitNeedsOperator(stuck.xid());

    Cli.Run list = Cli.run("--nodes", nodes, "operator", "list");
    assertEquals(0, list.code(), list.toString());
    assertTrue(list.out().lines().anyMatch(l -> l.matches(
        "stuck\\s+" + seq + "\\s+" + stuck.xid() + "\\s+credit\\s+CONFIRM")), list.toString());
    Map<String, Object> json = JsonCheck.object(
        Cli.run("--nodes", nodes, "--json", "operator", "list").out());
    Map<?, ?> call = (Map<?, ?>) ((List<?>) json.get("calls")).get(0);
    assertEquals("stuck", call.get("participant"));
    assertEquals((double) seq, call.get("seq"));

    Cli.Run resolve = Cli.run("--nodes", nodes, "operator", "resolve", "stuck", "" + seq);
    assertEquals(0, resolve.code(), resolve.toString());
    assertTrue(resolve.out().contains("resolved stuck#" + seq), resolve.toString());
    assertEquals(TxnState.CONFIRMED, awaitState(stuck.xid(), TxnState.CONFIRMED));
    Cli.Run none = Cli.run("--nodes", nodes, "operator", "list");
    assertTrue(none.out().contains("no calls need an operator"), none.toString());

    Cli.Run unknown = Cli.run("--nodes", nodes, "operator", "resolve", "stuck", "999");
    assertEquals(CliFailure.REFUSED, unknown.code(), unknown.toString());
    assertTrue(unknown.err().contains("PHASE2_CALL_NOT_FOUND"), unknown.toString());
  }

  @Test
  void aSnapshotIsTakenOnTheNodeNamedOrOnEveryNode() throws Exception {
    assertTrue(client.blocking().begin("cli-snap", 60_000, List.of()).isOk());
    CoordinatorNode node = cluster.runningNodes().get(1);
    String address = "127.0.0.1:" + node.clientAddress().getPort();
    Cli.Run one = Cli.run("--nodes", nodes, "snapshot", "--node", address);
    assertEquals(0, one.code(), one.toString());
    assertTrue(one.out().lines().anyMatch(l -> l.matches(node.id() + "\\s+" + address
        + "\\s+[1-9]\\d*")), one.toString());

    Cli.Run all = Cli.run("--nodes", nodes, "--json", "snapshot");
    assertEquals(0, all.code(), all.toString());
    List<?> snapshots = (List<?>) JsonCheck.object(all.out()).get("snapshots");
    assertEquals(3, snapshots.size());
    assertTrue(snapshots.stream().allMatch(s -> ((Map<?, ?>) s).get("snapshotIndex")
        instanceof Double index && index > 0), all.out());
  }

  @Test
  void anUnreachableClusterExitsThreeWithOneLineNamingTheAddresses() throws Exception {
    String dead = "127.0.0.1:" + deadPort() + ",127.0.0.1:" + deadPort();
    for (String[] command : new String[][] {{"status"}, {"txns", "list"},
        {"operator", "resolve", "p", "1"}, {"members", "list"}}) {
      List<String> args = new ArrayList<>(List.of("--nodes", dead, "--timeout-ms", "800"));
      args.addAll(List.of(command));
      Cli.Run run = Cli.run(args.toArray(String[]::new));
      assertEquals(CliFailure.UNREACHABLE, run.code(), run.toString());
      assertEquals(1, run.err().lines().count(), run.toString());
      for (String address : dead.split(",")) {
        assertTrue(run.err().contains(address), run.toString());
      }
      assertTrue(run.out().isEmpty(), run.toString());
    }
    String one = "127.0.0.1:" + deadPort();
    Cli.Run snapshot = Cli.run("--nodes", nodes, "snapshot", "--node", one);
    assertEquals(CliFailure.UNREACHABLE, snapshot.code(), snapshot.toString());
    assertTrue(snapshot.err().contains("cannot reach node " + one), snapshot.toString());
  }

  @Test
  void badUsageExitsTwo() {
    for (String[] args : new String[][] {
        {},
        {"--nodes", nodes, "frobnicate"},
        {"--nodes", nodes, "txns"},
        {"--nodes", nodes, "txns", "list", "--limit", "0"},
        {"--nodes", nodes, "txns", "list", "--state", "SOMEWHERE"},
        {"--nodes", nodes, "operator", "resolve", "stuck", "not-a-number"},
        {"--nodes", "nonsense", "status"},
        {"--nodes", nodes, "members", "replace", "--old", "n3", "--new", "n4"},
        {"status"}}) {
      Cli.Run run = Cli.run(args);
      assertEquals(CliFailure.USAGE, run.code(), String.join(" ", args) + "\n" + run);
      assertFalse(run.err().contains("\tat "), "no stack trace:\n" + run);
    }
    Cli.Run noNodes = Cli.run("status");
    assertTrue(noNodes.err().contains(SequentCli.NODES_ENV), noNodes.toString());

    Cli.Run help = Cli.run("--help");
    assertEquals(0, help.code());
    for (String command : List.of("status", "txns", "operator", "snapshot", "members")) {
      assertTrue(help.out().contains(command), help.out());
    }
  }

  @Test
  void aReplacementTheClusterCannotMakeIsRefused() {
    Cli.Run run = Cli.run("--nodes", nodes, "members", "replace", "--old", "n9", "--new",
        "n4=127.0.0.1:1:2");
    assertEquals(CliFailure.REFUSED, run.code(), run.toString());
    assertTrue(run.err().contains("n9 is not a member"), run.toString());
  }

  // ------------------------------------------------------------------ helpers

  static long awaitNeedsOperator(String xid) throws InterruptedException {
    for (int i = 0; i < 200; i++) { // bounded: 20 s
      var branch = client.blocking().status(xid).txn().branches().get(0);
      if (branch.phase2State() == Phase2State.NEEDS_OPERATOR) {
        return branch.seq();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(xid + " never needed an operator");
  }

  static TxnState awaitState(String xid, TxnState expected) throws InterruptedException {
    TxnState state = null;
    for (int i = 0; i < 200; i++) { // bounded: 20 s
      state = client.blocking().status(xid).txn().state();
      if (state == expected) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return state;
  }

  static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
