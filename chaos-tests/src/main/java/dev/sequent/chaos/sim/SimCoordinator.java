package dev.sequent.chaos.sim;

import dev.sequent.coordinator.dispatch.DispatchAgent;
import dev.sequent.coordinator.dispatch.DispatcherSettings;
import dev.sequent.coordinator.dispatch.Transport;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Endpoint;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The coordinator nodes as far as phase two, expiry and the operator go: for each leadership (a
 * node in a term) one real {@link DispatchAgent} with a simulated {@link Transport}, stepped at
 * the leader's local time every few ms and whenever an input wakes it. An election leaves the
 * deposed leader running for a while as a zombie: its proposals fail, but its calls still reach
 * participants (late ones included) until they fence it off by term.
 *
 * <p>Each leadership gets its own meter registry: a registry keeps the first gauge of a name, and
 * a simulation has no use for the meters beyond exercising the agent's code that feeds them.
 */
final class SimCoordinator {
  static final long TICK_MS = 5;
  static final int EXPIRE_BATCH = 64;

  private final Scheduler scheduler;
  private final SplittableRandom random;
  private final SimLog log;
  private final SimNetwork network;
  private final Map<String, SimParticipant> participants;
  private final DispatcherSettings settings;
  private final PlantedBug bug;
  private final List<Leadership> alive = new ArrayList<>();
  private Leadership current;
  private long elections;

  /** One node leading one term: its agent, its connections, its timers. */
  private final class Leadership {
    final int node;
    final long term;
    final Map<String, Conn> conns = new TreeMap<>();
    DispatchAgent agent;
    Transport.Events events;
    boolean running = true;
    boolean wakeQueued;
    boolean expiring;

    Leadership(int node, long term) {
      this.node = node;
      this.term = term;
    }
  }

  SimCoordinator(Scheduler scheduler, SplittableRandom random, SimLog log, SimNetwork network,
      Map<String, SimParticipant> participants, DispatcherSettings settings, PlantedBug bug) {
    this.scheduler = scheduler;
    this.random = random;
    this.log = log;
    this.network = network;
    this.participants = participants;
    this.settings = settings;
    this.bug = bug;
    log.onApplied((command, result) -> {
      for (Leadership l : List.copyOf(alive)) {
        l.agent.tableChanged();
      }
    });
  }

  long elections() {
    return elections;
  }

  /** Starts the first leader. */
  void start() {
    current = lead(log.leader(), log.term());
  }

  private Leadership lead(int node, long term) {
    Leadership l = new Leadership(node, term);
    SplittableRandom jitter = random.split();
    l.agent = new DispatchAgent("n" + node, term, settings, log.table(), log::store,
        command -> log.propose(term, command), events -> {
          l.events = events;
          return new SimTransport(l);
        }, jitter::nextLong, new SimpleMeterRegistry(), () -> wake(l));
    alive.add(l);
    scheduler.after(0, "tick n" + node + " term " + term, () -> tick(l));
    return l;
  }

  /** Deposes the leader; a new one is elected after a while; the old one lingers as a zombie. */
  void election() {
    if (log.leader() == 0) {
      return;
    }
    elections++;
    Leadership old = current;
    current = null;
    log.depose();
    scheduler.after(random.nextLong(600), "n" + old.node + " learns it is deposed",
        () -> retire(old));
    scheduler.after(20 + random.nextLong(300), "election", () -> {
      log.elected(1 + random.nextInt(SimLog.NODES));
      current = lead(log.leader(), log.term());
    });
  }

  private void retire(Leadership l) {
    l.running = false;
    alive.remove(l);
    l.agent.close();
  }

  private void wake(Leadership l) {
    if (l.running && !l.wakeQueued) {
      l.wakeQueued = true;
      scheduler.after(1, "wake n" + l.node, () -> {
        l.wakeQueued = false;
        work(l);
      });
    }
  }

  private void tick(Leadership l) {
    if (!l.running) {
      return;
    }
    work(l);
    if (l == current) {
      expireMaybe(l);
    }
    scheduler.after(TICK_MS, "tick n" + l.node + " term " + l.term, () -> tick(l));
  }

  private void work(Leadership l) {
    if (!l.running) {
      return;
    }
    long nowMs = log.clockMs(l.node);
    for (int round = 0; round < 8 && l.agent.doWork(nowMs) > 0; round++) {
      // Rounds at one moment until the agent has nothing left to do (bounded).
    }
  }

  /** The leader's expiry sweep: proposes ExpireDue when its clock says something is due. */
  private void expireMaybe(Leadership l) {
    TransactionTable table = log.table();
    if (bug == PlantedBug.LEADER_NEVER_EXPIRES || l.expiring || table.earliestDeadlineMs(log.store()) > log.clockMs(l.node)) {
      return;
    }
    l.expiring = true;
    log.propose(l.term, new Command.ExpireDue(EXPIRE_BATCH))
        .whenComplete((result, failure) -> l.expiring = false);
  }

  /** An initiator's or operator's request to the cluster: answered only if it commits. */
  void request(Command command, Consumer<CommandResult> reply) {
    network.datagram("request " + command.kind(), () -> {
      if (log.leader() == 0) {
        return;
      }
      log.propose(log.term(), command).thenAccept(result ->
          network.datagram("reply " + command.kind(), () -> reply.accept(result)));
    });
  }

  /** The operator: settles by hand each call that needs it, then records that in the log. */
  void operatorRound() {
    if (log.leader() == 0) {
      return;
    }
    List<Phase2Record> calls =
        log.table().needsOperator(log.store(), null, 0, 100, 1_000).calls();
    for (Phase2Record call : calls) {
      participants.get(call.participant()).settleByHand(call);
      log.propose(log.term(), new Command.OperatorResolve(call.participant(), call.seq()));
    }
  }

  /** A participant crashed: every connection to it breaks. */
  void crashed(String participant) {
    for (Leadership l : alive) {
      for (Conn conn : List.copyOf(l.conns.values())) {
        if (conn.participant.equals(participant)) {
          conn.reset();
        }
      }
    }
  }

  // ------------------------------------------------------------------ connections

  private enum ConnState { CONNECTING, OPEN, CLOSED }

  /** One pinned connection of a leadership to a participant. */
  private final class Conn {
    final Leadership owner;
    final String participant;
    final long id;
    final SimNetwork.Pipe toParticipant = network.new Pipe();
    final SimNetwork.Pipe toLeader = network.new Pipe();
    ConnState state = ConnState.CONNECTING;
    boolean broken;
    long incarnation = -1;

    Conn(Leadership owner, String participant, long id) {
      this.owner = owner;
      this.participant = participant;
      this.id = id;
    }

    void opened(Endpoint endpoint) {
      if (state != ConnState.CONNECTING) {
        return;
      }
      SimParticipant p = participants.get(participant);
      if (p.up() && endpoint.port() == p.port() && !network.fault(20)) {
        state = ConnState.OPEN;
        incarnation = p.incarnation();
        owner.events.connected(participant, id);
      } else {
        closeAndReport();
      }
    }

    void deliverCall(Phase2Call call) {
      SimParticipant p = participants.get(participant);
      if (broken || !p.up() || p.incarnation() != incarnation) {
        return;
      }
      Phase2Ack ack = p.apply(call);
      toLeader.send("ack " + participant + "#" + call.getSeq(), () -> deliverAck(call, ack),
          this::reset);
    }

    void deliverAck(Phase2Call call, Phase2Ack ack) {
      if (state != ConnState.OPEN) {
        return;
      }
      Phase2Ack seen = ack;
      if (bug == PlantedBug.DISPATCHER_TRUSTS_SENT_SEQ) {
        seen = ack.toBuilder().setAppliedSeq(Math.max(ack.getAppliedSeq(), call.getSeq())).build();
      }
      owner.events.acked(participant, id, seen);
    }

    /** The connection breaks: whatever is in flight on it is lost. */
    void reset() {
      broken = true;
      closeAndReport();
    }

    void closeAndReport() {
      if (state == ConnState.CLOSED) {
        return;
      }
      state = ConnState.CLOSED;
      owner.conns.remove(participant + "#" + id);
      scheduler.after(1 + random.nextLong(SimNetwork.DELAY_MAX_MS), "disconnected " + participant,
          () -> owner.events.disconnected(participant, id));
    }
  }

  /** The transport of one leadership, over the simulated network. */
  private final class SimTransport implements Transport {
    private final Leadership owner;

    SimTransport(Leadership owner) {
      this.owner = owner;
    }

    @Override
    public void connect(String participant, Endpoint endpoint, long connectionId) {
      Conn conn = new Conn(owner, participant, connectionId);
      owner.conns.put(participant + "#" + connectionId, conn);
      scheduler.after(network.delayMs(), "connect " + participant, () -> conn.opened(endpoint));
    }

    @Override
    public void send(String participant, long connectionId, List<Phase2Call> calls) {
      Conn conn = owner.conns.get(participant + "#" + connectionId);
      if (conn == null || conn.state != ConnState.OPEN) {
        return;
      }
      for (Phase2Call call : calls) {
        conn.toParticipant.send("call " + participant + "#" + call.getSeq() + " term "
            + call.getTerm(), () -> conn.deliverCall(call), conn::reset);
      }
    }

    @Override
    public void close(String participant, long connectionId) {
      Conn conn = owner.conns.get(participant + "#" + connectionId);
      if (conn != null) {
        // A graceful close: calls already written still reach the participant.
        conn.closeAndReport();
      }
    }

    @Override
    public void closeAll() {
      for (Conn conn : List.copyOf(owner.conns.values())) {
        conn.closeAndReport();
      }
    }
  }
}
