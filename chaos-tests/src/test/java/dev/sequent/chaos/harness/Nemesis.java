package dev.sequent.chaos.harness;

import dev.sequent.chaos.harness.ChaosCluster.Bank;
import dev.sequent.chaos.harness.ChaosCluster.Node;
import dev.sequent.chaos.harness.LinkProxy.Delay;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults into a {@link ChaosCluster} on a schedule drawn from a seed: which fault, how
 * long it holds, which follower or bank it hits, how much delay, how long the quiet gap after it
 * is. Who the leader is comes from the cluster at the moment a fault starts, so a seed replays
 * the schedule, not the cluster's exact timing (Ratis, the JVMs and the network have their own).
 *
 * <p>Each fault is undone by {@link ChaosCluster#healAll()} when its time is up, so faults never
 * pile up beyond the combinations listed in {@link Kind}; the last heal happens before {@link
 * #run} returns, whatever happened.
 */
final class Nemesis {
  private static final Logger log = LoggerFactory.getLogger(Nemesis.class);
  static final long HOLD_MS_MIN = 4_000;
  static final long HOLD_MS_MAX = 12_000;
  static final long QUIET_MS_MIN = 3_000;
  static final long QUIET_MS_MAX = 8_000;

  /** The faults, by the name the summary counts them under. */
  enum Kind {
    KILL_LEADER("kill-leader"),
    KILL_FOLLOWER("kill-follower"),
    PAUSE_LEADER("pause-leader"),
    PAUSE_FOLLOWER("pause-follower"),
    ISOLATE_LEADER("partition-isolate-leader"),
    ISOLATE_FOLLOWER("partition-isolate-follower"),
    ONE_WAY("partition-one-way"),
    DELAY_LEADER("delay-leader-links"),
    DELAY_PARTICIPANTS("delay-participant-links"),
    KILL_PARTICIPANT("kill-participant"),
    KILL_FOLLOWER_DURING_DELAY("combo-kill-follower-delay-leader"),
    PAUSE_LEADER_ISOLATED_FOLLOWER("combo-pause-leader-isolate-follower");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private final ChaosCluster cluster;
  private final Random random;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Map<String, Long> injected = new TreeMap<>();
  private final List<String> timeline = new ArrayList<>();

  Nemesis(ChaosCluster cluster, long seed) {
    this.cluster = cluster;
    this.random = new Random(seed);
  }

  /** Faults injected so far, by kind label. */
  synchronized Map<String, Long> injected() {
    return new TreeMap<>(injected);
  }

  /** One line per fault: when, what, on whom. */
  synchronized List<String> timeline() {
    return new ArrayList<>(timeline);
  }

  /** Runs faults for {@code durationMs}, then heals everything. */
  void run(long durationMs) throws Exception {
    long startNs = System.nanoTime();
    long endNs = startNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
    Kind[] kinds = Kind.values();
    int round = 0;
    try {
      while (System.nanoTime() < endNs && !stopping.get()) {
        // Every kind once in a shuffled order per round, so even a short run covers them all.
        List<Kind> order = new ArrayList<>(List.of(kinds));
        Collections.shuffle(order, random);
        for (Kind kind : order) {
          if (System.nanoTime() >= endNs || stopping.get()) {
            break;
          }
          long holdMs = between(HOLD_MS_MIN, HOLD_MS_MAX);
          long quietMs = between(QUIET_MS_MIN, QUIET_MS_MAX);
          int pick = random.nextInt(1_000);
          long delayMs = between(50, 400);
          long jitterMs = between(0, delayMs);
          long atMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
          String what = inject(kind, pick, new Delay(delayMs, jitterMs));
          record(kind, String.format("%7.1f s round %d: %s %s, %d ms", atMs / 1000.0, round,
              kind.label, what, holdMs));
          Thread.sleep(holdMs);
          cluster.healAll();
          Thread.sleep(quietMs);
        }
        round++;
      }
    } finally {
      cluster.healAll();
    }
  }

  void stop() {
    stopping.set(true);
  }

  private synchronized void record(Kind kind, String line) {
    injected.merge(kind.label, 1L, Long::sum);
    timeline.add(line);
    log.info("nemesis: {}", line);
  }

  private String inject(Kind kind, int pick, Delay delay) throws Exception {
    Optional<String> leaderNow = cluster.leader();
    String leader = leaderNow.orElse(ChaosCluster.NODE_IDS.get(pick % 3));
    List<String> followers = new ArrayList<>(ChaosCluster.NODE_IDS);
    followers.remove(leader);
    String follower = followers.get(pick % followers.size());
    List<Bank> banks = new ArrayList<>(cluster.banks().values());
    Bank bank = banks.get(pick % banks.size());
    String leaderNote = leaderNow.isPresent() ? "" : " (no leader seen; picked)";
    switch (kind) {
      case KILL_LEADER -> kill(leader);
      case KILL_FOLLOWER -> kill(follower);
      case PAUSE_LEADER -> cluster.pause(node(leader).container());
      case PAUSE_FOLLOWER -> cluster.pause(node(follower).container());
      case ISOLATE_LEADER -> isolate(leader);
      case ISOLATE_FOLLOWER -> isolate(follower);
      case ONE_WAY -> cluster.cut(node(leader).container(), node(follower).raft());
      case DELAY_LEADER -> delayNode(leader, delay);
      case DELAY_PARTICIPANTS -> {
        for (Bank each : banks) {
          each.endpoint().delay(null, delay);
        }
        return "all banks " + delay.delayMs() + "±" + delay.jitterMs() + " ms";
      }
      case KILL_PARTICIPANT -> {
        cluster.kill(bank.container());
        return bank.participant();
      }
      case KILL_FOLLOWER_DURING_DELAY -> {
        delayNode(leader, delay);
        kill(follower);
        return follower + " killed, " + leader + " links " + delay.delayMs() + "±"
            + delay.jitterMs() + " ms" + leaderNote;
      }
      case PAUSE_LEADER_ISOLATED_FOLLOWER -> {
        isolate(follower);
        cluster.pause(node(leader).container());
        return leader + " paused, " + follower + " isolated" + leaderNote;
      }
      default -> throw new IllegalStateException("unknown fault " + kind);
    }
    return switch (kind) {
      case KILL_LEADER, PAUSE_LEADER, ISOLATE_LEADER -> leader + leaderNote;
      case ONE_WAY -> leader + " -/-> " + follower + leaderNote;
      case DELAY_LEADER -> leader + " " + delay.delayMs() + "±" + delay.jitterMs() + " ms"
          + leaderNote;
      default -> follower;
    };
  }

  private Node node(String id) {
    return cluster.nodes().get(id);
  }

  private void kill(String id) {
    cluster.kill(node(id).container());
  }

  /** Cuts the node's Raft links to and from both other nodes (clients still reach it). */
  private void isolate(String id) throws Exception {
    for (Node other : cluster.nodes().values()) {
      if (!other.id().equals(id)) {
        cluster.cut(node(id).container(), other.raft());
        cluster.cut(other.container(), node(id).raft());
      }
    }
  }

  /** Delays every Raft link into and out of the node, and its client port. */
  private void delayNode(String id, Delay delay) {
    Node target = node(id);
    target.raft().delay(null, delay);
    target.client().delay(null, delay);
    InetAddress source = cluster.containerIp(target.container());
    for (Node other : cluster.nodes().values()) {
      if (!other.id().equals(id)) {
        other.raft().delay(source, delay);
      }
    }
  }

  private long between(long min, long max) {
    return min + (long) (random.nextDouble() * (max - min));
  }
}
