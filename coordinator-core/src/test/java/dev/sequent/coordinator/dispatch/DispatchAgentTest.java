package dev.sequent.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.Endpoint;
import dev.sequent.coordinator.table.TableLimits;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The agent driven the way a deterministic simulator will drive it: one thread, a virtual clock,
 * a seeded random source for jitter and faults, a simulated FIFO network, the real table over the
 * in-memory store. No sockets, no sleeps.
 */
class DispatchAgentTest {

  private static final DispatcherSettings SETTINGS = DispatcherSettings.DEFAULTS
      .withInflightMax(4).withBackoffMs(10, 200).withAttemptsMax(1_000)
      .withTimeoutsMs(100, 1_000);

  @Test
  void aSeedReplaysTheSameRunAndEveryParticipantAppliesItsSeqsInOrder() {
    long seed = BackoffPolicyTest.seed();
    World world = new World(seed, true);
    List<String> first = world.run();
    List<String> second = new World(seed, true).run();
    assertEquals(first, second, "-Dseed=" + seed + ": the same seed, the same transcript");
    long assigned = World.PARTICIPANTS.stream().mapToLong(world.log::lastSeq).sum();
    assertTrue(assigned > 0 && first.size() >= assigned,
        "-Dseed=" + seed + ": every call delivered at least once: " + first.size() + " of "
            + assigned);
  }

  @Test
  void anAgentWithNothingToDoReportsNoWorkSoItsThreadCanIdle() {
    World world = new World(1, false);
    world.decide(10);
    world.runUntilDrained();
    world.agent.doWork(world.now += 5);
    for (int i = 0; i < 50; i++) {
      assertEquals(0, world.agent.doWork(world.now += 5),
          "round " + i + " after the last completion was taken");
    }
  }

  @Test
  void acksGoOutOnePerParticipantPerRoundWithBoundedProposalsInFlight() {
    World world = new World(2, false);
    world.holdProposals = true;
    world.decide(10);
    for (int i = 0; i < 40; i++) {
      world.tick();
    }
    List<Command.RecordAcks> acks = world.proposedAcks();
    assertEquals(SETTINGS.ackProposalsInflightMax(), acks.size(), "no more than the bound");
    for (Command.RecordAcks command : acks) {
      assertEquals(command.acks().stream().map(Ack::participant).distinct().count(),
          command.acks().size(), "one ack per participant in one command");
    }
    assertEquals(0, world.agent.doWork(world.now += 5), "waiting on the log is not work");

    world.holdProposals = false;
    world.releaseProposals();
    world.runUntilDrained();
    for (String p : World.PARTICIPANTS) {
      assertEquals(world.log.lastSeq(p), world.log.watermark(p), p + " drained");
    }
  }

  /** One simulated run: the table, a log applying proposals, participants, a FIFO network. */
  private static final class World {
    static final List<String> PARTICIPANTS = List.of("pa", "pb", "pc");

    final SplittableRandom random;
    final boolean faults;
    final SimLog log = new SimLog();
    final DispatchAgent agent;
    final Map<String, SimParticipant> participants = new TreeMap<>();
    final Deque<Runnable> network = new ArrayDeque<>();
    final List<String> transcript = new ArrayList<>();
    final List<CompletableFuture<CommandResult>> heldProposals = new ArrayList<>();
    final List<Command> proposed = new ArrayList<>();
    boolean holdProposals;
    long now = 1_000;

    World(long seed, boolean faults) {
      this.random = new SplittableRandom(seed);
      this.faults = faults;
      for (String p : PARTICIPANTS) {
        participants.put(p, new SimParticipant(p));
        log.apply(new Command.AnnounceEndpoint(p, "10.0.0.1", 7000));
      }
      SplittableRandom jitter = random.split();
      agent = new DispatchAgent("sim", 3, SETTINGS, log.table, () -> log.store, this::propose,
          events -> new SimTransport(events), jitter::nextLong,
          new DispatchMetrics(new SimpleMeterRegistry(), "sim"), () -> { });
    }

    List<String> run() {
      for (int round = 0; round < 10; round++) {
        decide(1 + random.nextInt(10));
        for (int i = 0; i < 20; i++) {
          tick();
        }
      }
      runUntilDrained();
      for (SimParticipant p : participants.values()) {
        List<Long> expected = new ArrayList<>();
        for (long seq = 1; seq <= log.lastSeq(p.name); seq++) {
          expected.add(seq);
        }
        assertEquals(expected, p.applied, p.name + " applied its seqs once each, in order");
      }
      return transcript;
    }

    void decide(int txns) {
      for (int i = 0; i < txns; i++) {
        String xid = "x" + log.index;
        List<Branch> branches = new ArrayList<>();
        for (String p : PARTICIPANTS) {
          if (random.nextBoolean()) {
            branches.add(new Branch("b-" + p, p, new byte[0]));
          }
        }
        log.apply(new Command.Begin(xid, 60_000, branches), new Command.Decide(xid,
            random.nextBoolean() ? Decision.CONFIRM : Decision.CANCEL));
      }
      agent.tableChanged();
    }

    /** One millisecond: some of the network delivers, in order; then one agent round. */
    void tick() {
      now++;
      int deliver = network.isEmpty() ? 0 : 1 + random.nextInt(network.size());
      for (int i = 0; i < deliver; i++) {
        network.pollFirst().run();
      }
      if (faults && random.nextInt(200) == 0) {
        participants.values().stream().skip(random.nextInt(PARTICIPANTS.size())).findFirst()
            .ifPresent(SimParticipant::cut);
      }
      agent.doWork(now);
    }

    void runUntilDrained() {
      for (int i = 0; i < 100_000; i++) {
        boolean drained = PARTICIPANTS.stream()
            .allMatch(p -> log.watermark(p) == log.lastSeq(p));
        if (drained && network.isEmpty()) {
          return;
        }
        tick();
      }
      fail("not drained after 100000 simulated ms");
    }

    CompletableFuture<CommandResult> propose(Command command) {
      proposed.add(command);
      if (holdProposals) {
        CompletableFuture<CommandResult> reply = new CompletableFuture<>();
        heldProposals.add(reply);
        return reply;
      }
      CommandResult result = log.apply(command).get(0);
      agent.tableChanged();
      return CompletableFuture.completedFuture(result);
    }

    void releaseProposals() {
      List<Command> held = proposed.subList(proposed.size() - heldProposals.size(),
          proposed.size());
      for (int i = 0; i < heldProposals.size(); i++) {
        heldProposals.get(i).complete(log.apply(held.get(i)).get(0));
      }
      heldProposals.clear();
      agent.tableChanged();
    }

    List<Command.RecordAcks> proposedAcks() {
      return proposed.stream().filter(c -> c instanceof Command.RecordAcks)
          .map(c -> (Command.RecordAcks) c).toList();
    }

    /** Connections of the simulated network: FIFO both ways, one per participant. */
    final class SimTransport implements Transport {
      final Transport.Events events;

      SimTransport(Transport.Events events) {
        this.events = events;
      }

      @Override
      public void connect(String participant, Endpoint endpoint, long connectionId) {
        SimParticipant p = participants.get(participant);
        if (faults && random.nextInt(4) == 0) {
          network.addLast(() -> events.disconnected(participant, connectionId));
          return;
        }
        network.addLast(() -> {
          p.connection = connectionId;
          p.events = events;
          events.connected(participant, connectionId);
        });
      }

      @Override
      public void send(String participant, long connectionId, List<Phase2Call> calls) {
        SimParticipant p = participants.get(participant);
        for (Phase2Call call : calls) {
          network.addLast(() -> p.receive(connectionId, call));
        }
      }

      @Override
      public void close(String participant, long connectionId) {
        SimParticipant p = participants.get(participant);
        network.addLast(() -> p.drop(connectionId));
      }

      @Override
      public void closeAll() {
        participants.values().forEach(p -> p.drop(p.connection));
      }
    }

    /**
     * A participant fence: strict order, dedupe by seq, one answer per call; with faults, the
     * resource sometimes fails (PHASE2_FAILED, nothing applied).
     */
    final class SimParticipant {
      final String name;
      final List<Long> applied = new ArrayList<>();
      long connection;
      Transport.Events events;

      SimParticipant(String name) {
        this.name = name;
      }

      void receive(long connectionId, Phase2Call call) {
        if (connectionId != connection) {
          return;
        }
        transcript.add(now + " " + name + "#" + call.getSeq() + "@" + call.getTerm());
        long appliedSeq = applied.size();
        Outcome outcome = Outcome.OK;
        if (call.getSeq() == appliedSeq + 1 && faults && random.nextInt(20) == 0) {
          outcome = Outcome.PHASE2_FAILED;
        } else if (call.getSeq() == appliedSeq + 1) {
          applied.add(call.getSeq());
        } else if (call.getSeq() > appliedSeq + 1) {
          outcome = Outcome.SEQ_GAP;
        }
        Phase2Ack ack = Phase2Ack.newBuilder().setParticipant(name).setSeq(call.getSeq())
            .setAppliedSeq(applied.size()).setTerm(call.getTerm()).setOutcome(outcome.code())
            .build();
        network.addLast(() -> {
          if (connection == connectionId) {
            events.acked(name, connectionId, ack);
          }
        });
      }

      /** The participant closes its end: what is in flight is lost. */
      void cut() {
        if (connection != 0) {
          drop(connection);
        }
      }

      void drop(long connectionId) {
        if (connectionId != 0 && connectionId == connection) {
          connection = 0;
          Transport.Events current = events;
          network.addLast(() -> current.disconnected(name, connectionId));
        }
      }
    }
  }

  /** The replicated log as one node applying each entry at once. */
  private static final class SimLog {
    final TransactionTable table = new TransactionTable(TableLimits.DEFAULTS);
    final InMemoryStateStore store = InMemoryStateStore.create(TransactionTable.keyspaces());
    long index;

    List<CommandResult> apply(Command... commands) {
      StagedWrites staged = store.stage();
      List<CommandResult> results = table.applyEntry(0, List.of(commands), staged);
      store.commit(staged, new AppliedIndex(1, ++index));
      return results;
    }

    long lastSeq(String participant) {
      return table.lastSeq(store, participant);
    }

    long watermark(String participant) {
      return table.watermark(store, participant);
    }
  }
}
