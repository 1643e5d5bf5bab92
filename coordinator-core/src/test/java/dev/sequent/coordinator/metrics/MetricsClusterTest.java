package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.Decision;
import dev.sequent.client.TransactionResult;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.protocol.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics of a real three-node cluster: every node counts each txn once, retries included; the
 * latencies are recorded; exactly one node reports itself leader; and each node serves its own
 * meters on /metrics and its health on /health, over real HTTP; a node restarted in the same
 * process reports afresh. The restart runs last: it resets that node's counters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsClusterTest {
  @TempDir static Path dir;
  static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  static MetricsCluster env;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    env = new MetricsCluster(3, dir, registry, true);
  }

  @AfterAll
  static void stop() throws Exception {
    env.close();
    assertTrue(env.cluster.fatalErrors().isEmpty(), "fatal errors " + env.cluster.fatalErrors());
  }

  static Branch branch(String id) {
    return new Branch(id, MetricsCluster.PARTICIPANT, id.getBytes(StandardCharsets.UTF_8));
  }

  static double counter(String name, String node) {
    Counter counter = registry.find(name).tag("node", node).counter();
    return counter == null ? -1 : counter.count();
  }

  static long timerCount(String name, String node, String decision) {
    Timer timer = registry.find(name).tag("node", node).tag("decision", decision).timer();
    return timer == null ? -1 : timer.count();
  }

  static void ok(TxnResult result) {
    assertEquals(Outcome.OK, result.outcome(), result.message());
  }

  @Test
  @Order(1)
  void everyNodeCountsEachTxnOnceWhateverTheRetries() throws Exception {
    var blocking = env.client.blocking();
    // Confirmed, every step sent twice.
    ok(blocking.begin("m-confirm", 60_000, List.of(branch("b"))));
    ok(blocking.begin("m-confirm", 60_000, List.of(branch("b"))));
    InetSocketAddress participant = env.endpoint.address();
    assertEquals(Outcome.OK, env.client.tryBranch(participant, "m-confirm", branch("b"))
        .get(30, TimeUnit.SECONDS).outcome());
    ok(blocking.decide("m-confirm", Decision.CONFIRM));
    ok(blocking.decide("m-confirm", Decision.CONFIRM));
    // Cancelled by its initiator, twice.
    ok(blocking.begin("m-cancel", 60_000, List.of(branch("b"))));
    ok(blocking.decide("m-cancel", Decision.CANCEL));
    ok(blocking.decide("m-cancel", Decision.CANCEL));
    // Expired: never decided; the initiator's late cancel is answered OK but decides nothing.
    ok(blocking.begin("m-expire", 300, List.of(branch("b"))));
    assertTrue(MetricsCluster.await(
        () -> blocking.status("m-expire").txn().state() != TxnState.TRYING, 10_000));
    ok(blocking.decide("m-expire", Decision.CANCEL));
    // The ordinary path: begin, try, decide in one call.
    TransactionResult plain = env.client.transaction(60_000)
        .branch("b", MetricsCluster.PARTICIPANT, new byte[] {1})
        .execute().get(30, TimeUnit.SECONDS);
    assertTrue(plain.confirmed(), plain.toString());
    for (String xid : List.of("m-confirm", "m-cancel", "m-expire", plain.xid())) {
      env.awaitFinal(xid, 30_000);
    }

    for (String node : env.cluster.ids()) {
      // Followers apply a little later than the leader: wait for the last of them, then check
      // that nothing was counted twice.
      assertTrue(MetricsCluster.await(
          () -> timerCount(TxnMetrics.PHASE2_LATENCY, node, "cancel") >= 2
              && timerCount(TxnMetrics.PHASE2_LATENCY, node, "confirm") >= 2, 15_000),
          "phase two never completed on " + node);
      assertEquals(4, counter(TxnMetrics.BEGUN, node), "begun on " + node);
      assertEquals(2, counter(TxnMetrics.CONFIRMED, node), "confirmed on " + node);
      assertEquals(1, counter(TxnMetrics.CANCELLED, node), "cancelled on " + node);
      assertEquals(1, counter(TxnMetrics.EXPIRED, node), "expired on " + node);
      assertEquals(2, timerCount(TxnMetrics.DECISION_LATENCY, node, "confirm"), node);
      assertEquals(1, timerCount(TxnMetrics.DECISION_LATENCY, node, "cancel"), node);
      assertEquals(2, timerCount(TxnMetrics.PHASE2_LATENCY, node, "confirm"), node);
      assertEquals(2, timerCount(TxnMetrics.PHASE2_LATENCY, node, "cancel"), node);
      assertEquals(0, counter(TxnMetrics.ERRORS, node), "metrics errors on " + node);
    }
  }

  @Test
  @Order(2)
  void exactlyOneNodeReportsItselfLeaderAndEveryNodeItsProgress() throws Exception {
    assertTrue(MetricsCluster.await(() -> leaders().values().stream()
        .filter(v -> v == 1.0).count() == 1, 10_000), "leader gauges " + leaders());
    CoordinatorNode leader = env.cluster.awaitLeader(10_000);
    assertEquals(1.0, leaders().get(leader.id()), "the leader's own gauge: " + leaders());
    for (String node : env.cluster.ids()) {
      assertTrue(gauge(NodeGauges.TERM, node) >= 1, "term on " + node);
      assertTrue(gauge(NodeGauges.APPLIED_INDEX, node) >= 1, "applied index on " + node);
      assertTrue(gauge(NodeGauges.LOG_START_INDEX, node) >= 0, "log start on " + node);
      assertEquals(-1, gauge(NodeGauges.SNAPSHOT_INDEX, node), "no snapshot yet on " + node);
      assertTrue(gauge(NodeGauges.STORE_KEYS, node) >= 0, "store keys on " + node);
      assertTrue(gauge(NodeGauges.STORE_MEMTABLES, node) > 0, "memtables on " + node);
      assertFalse(Double.isNaN(gauge(NodeGauges.TRYING, node)), "trying on " + node);
    }
  }

  private static Map<String, Double> leaders() {
    Map<String, Double> byNode = new TreeMap<>();
    for (Gauge gauge : registry.find(NodeGauges.LEADER).gauges()) {
      byNode.put(gauge.getId().getTag("node"), gauge.value());
    }
    return byNode;
  }

  private static double gauge(String name, String node) {
    return registry.get(name).tag("node", node).gauge().value();
  }

  /** Samples every node serves, as Prometheus names them. */
  static final List<String> SERVED = List.of("sequent_txns_begun_total",
      "sequent_txns_confirmed_total", "sequent_txns_cancelled_total",
      "sequent_txns_expired_total", "sequent_txns_decision_latency_seconds_bucket",
      "sequent_txns_phase2_latency_seconds_count", "sequent_raft_leader", "sequent_raft_term",
      "sequent_raft_applied_index", "sequent_raft_log_start_index",
      "sequent_store_live_sst_bytes", "sequent_store_keys", "sequent_branches_needs_operator",
      "sequent_proposer_commands_per_entry_count", "sequent_commands_applied_total");

  private static boolean servesAll(String body) {
    return SERVED.stream().allMatch(name -> body.contains(name + "{"));
  }

  private HttpResponse<String> get(CoordinatorNode node, String path) throws Exception {
    InetSocketAddress address = node.metricsAddress().orElseThrow();
    URI uri = URI.create("http://127.0.0.1:" + address.getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(3)
  void eachNodeServesItsOwnMetricsAndHealthOverHttp() throws Exception {
    int leaders = 0;
    for (CoordinatorNode node : env.cluster.runningNodes()) {
      // A follower may not have applied the first command yet (the commands counter registers
      // on the first one): ask again until it has, within bounds.
      String body = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        HttpResponse<String> metrics = get(node, "/metrics");
        assertEquals(200, metrics.statusCode());
        body = metrics.body();
        if (servesAll(body) || System.nanoTime() > deadline) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      for (String name : SERVED) {
        assertTrue(body.contains(name + "{"), node.id() + " does not serve " + name);
      }
      assertTrue(body.contains("node=\"" + node.id() + "\""), "tagged with its node");
      for (String other : env.cluster.ids()) {
        assertEquals(other.equals(node.id()), body.contains("node=\"" + other + "\""),
            node.id() + "'s endpoint shows its own meters only");
      }
      HttpResponse<String> health = get(node, "/health");
      assertEquals(200, health.statusCode(), health.body());
      assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
      leaders += health.body().contains("\"leader\":true") ? 1 : 0;
      assertEquals(404, get(node, "/nothing").statusCode());
    }
    assertEquals(1, leaders, "one leader among the health reports");
  }

  @Test
  @Order(4)
  void aNodeRestartedInTheSameProcessReportsAfresh() throws Exception {
    CoordinatorNode leader = env.cluster.awaitLeader(10_000);
    String follower = env.cluster.ids().stream().filter(id -> !id.equals(leader.id()))
        .findFirst().orElseThrow();
    int port = env.cluster.node(follower).orElseThrow().metricsAddress().orElseThrow().getPort();
    env.cluster.stop(follower);
    assertEquals(null, registry.find(NodeGauges.LEADER).tag("node", follower).gauge(),
        "a stopped node's gauges are gone, not frozen at their last value");

    CoordinatorNode restarted = env.cluster.start(follower);
    assertEquals(port, restarted.metricsAddress().orElseThrow().getPort());
    // The new gauges read the new node: it catches up and applies again.
    assertTrue(MetricsCluster.await(() -> gauge(NodeGauges.APPLIED_INDEX, follower)
        >= gauge(NodeGauges.APPLIED_INDEX, leader.id()) - 1, 20_000), "the restarted node's "
        + "applied index: " + gauge(NodeGauges.APPLIED_INDEX, follower));
    ok(env.client.blocking().begin("m-after-restart", 60_000, List.of(branch("b"))));
    assertTrue(MetricsCluster.await(() -> counter(TxnMetrics.BEGUN, follower) == 1, 10_000),
        "the restarted node counts from zero: " + counter(TxnMetrics.BEGUN, follower));
    assertEquals(200, get(restarted, "/health").statusCode());
  }
}
