package dev.sequent.coordinator.dispatch;

import com.google.protobuf.ByteString;
import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Backlog;
import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Endpoint;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.storage.StateReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's dispatch loop for one term, as an Aeron-style agent: {@link #doWork(long)} does
 * one round of work at the time it is given and returns how much it did. It owns one {@link
 * ParticipantStream} per participant with a backlog, reads the table for them, carries out what
 * they ask through a {@link Transport}, and proposes acks and needs-operator marks.
 *
 * <p>It starts no thread, reads no clock and holds no socket: the {@link Dispatcher} runs it on
 * its thread with Netty, and a simulator can run it with a virtual clock and network. Inputs from
 * other threads (transport events, proposal results, {@link #tableChanged}) are queued and taken
 * at the start of the next {@link #doWork}; everything else runs on the caller's thread.
 *
 * <p>One round, in order: take the queued events; read the table (the backlog and endpoints when
 * an apply woke it or tablePollMs passed, then whatever calls each stream asks for); step every
 * stream in participant name order, doing what each asks (close, connect, write, mark); propose
 * one RecordAcks with the highest acknowledged seq per participant, if fewer than
 * ackProposalsInflightMax are in flight; publish metrics.
 */
public final class DispatchAgent implements Transport.Events {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchAgent.class);
  /** At most one warning per this long about a table that cannot be read. */
  private static final long READ_WARNING_INTERVAL_MS = 10_000;

  private final String nodeId;
  private final long term;
  private final DispatcherSettings settings;
  private final TransactionTable table;
  private final Supplier<StateReader> state;
  private final Function<Command, CompletableFuture<CommandResult>> proposer;
  private final Transport transport;
  private final JitterSource jitter;
  private final DispatchMetrics metrics;
  private final Runnable signal;
  private final int ackBatchMax;
  private final int readMax;

  private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final Map<String, ParticipantStream> streams = new TreeMap<>();
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  private volatile boolean tableChanged = true;
  private long nextTableReadMs;
  private long nextReadWarningMs;
  private int ackProposalsInflight;
  /** The time of the current round: queued events run at it. */
  private long nowMs;

  /**
   * An agent for one term, publishing its meters to registry (a simulator passes a
   * SimpleMeterRegistry); the {@link Dispatcher} shares one set of meters across terms instead.
   *
   * @param term the leader's term, at least 1; carried by every call so participants fence
   *     deposed leaders
   * @param state the table's store, fetched again every round
   * @param proposer proposes a command and completes with its result; must not block
   * @param transport builds the transport, which must report to the agent it is given
   * @param jitter the retry jitter (a seeded source makes a run replayable)
   * @param signal called (from any thread) when an input arrives, to wake whoever runs doWork
   */
  public DispatchAgent(String nodeId, long term, DispatcherSettings settings,
      TransactionTable table, Supplier<StateReader> state,
      Function<Command, CompletableFuture<CommandResult>> proposer,
      Function<Transport.Events, Transport> transport, JitterSource jitter,
      MeterRegistry registry, Runnable signal) {
    this(nodeId, term, settings, table, state, proposer, transport, jitter,
        new DispatchMetrics(registry, nodeId), signal);
  }

  /**
   * @param transport must report to this agent's {@link Transport.Events}
   * @param signal called (from any thread) when an input arrives, to wake whoever runs doWork
   */
  DispatchAgent(String nodeId, long term, DispatcherSettings settings, TransactionTable table,
      Supplier<StateReader> state, Function<Command, CompletableFuture<CommandResult>> proposer,
      Function<Transport.Events, Transport> transport, JitterSource jitter,
      DispatchMetrics metrics, Runnable signal) {
    if (term < 1) {
      throw new IllegalArgumentException("a leader's term is at least 1, was " + term);
    }
    this.nodeId = nodeId;
    this.term = term;
    this.settings = settings;
    this.table = table;
    this.state = state;
    this.proposer = proposer;
    this.jitter = jitter;
    this.metrics = metrics;
    this.signal = signal;
    this.ackBatchMax = Math.min(settings.ackBatchMax(), table.limits().ackBatchMax());
    this.readMax = Math.min(settings.pendingReadMax(), table.limits().pageEntriesMax());
    this.transport = Objects.requireNonNull(transport.apply(this), "transport");
  }

  public long term() {
    return term;
  }

  // ------------------------------------------------------------------ inputs, any thread

  /** An entry was applied: the table may hold new calls, acks or operator decisions. */
  public void tableChanged() {
    tableChanged = true;
    signal.run();
  }

  @Override
  public void connected(String participant, long connectionId) {
    enqueue(participant, stream -> stream.connected(connectionId, nowMs));
  }

  @Override
  public void disconnected(String participant, long connectionId) {
    enqueue(participant, stream -> stream.disconnected(connectionId, nowMs));
  }

  @Override
  public void acked(String participant, long connectionId, Phase2Ack ack) {
    enqueue(participant, stream -> stream.ack(connectionId, ack, nowMs));
  }

  private interface StreamEvent {
    void apply(ParticipantStream stream);
  }

  private void enqueue(String participant, StreamEvent event) {
    inbox.add(() -> {
      ParticipantStream stream = streams.get(participant);
      if (stream != null) {
        event.apply(stream);
      }
    });
    signal.run();
  }

  // ------------------------------------------------------------------ the round

  /** One round of work at nowMs; returns how much was done (0: the caller may idle). */
  public int doWork(long nowMs) {
    this.nowMs = nowMs;
    int work = 0;
    for (Runnable event = inbox.poll(); event != null; event = inbox.poll()) {
      event.run();
      work++;
    }
    work += readTable(nowMs);
    List<Ack> acks = new ArrayList<>();
    for (ParticipantStream stream : streams.values()) {
      work += execute(stream, stream.step(nowMs), acks);
    }
    work += proposeAcks(acks);
    publishMetrics(nowMs);
    return work;
  }

  /** Closes every connection; the agent is not used again. */
  public void close() {
    transport.closeAll();
  }

  /**
   * Reads what the streams need. A store being swapped under the reader (a snapshot install)
   * throws IllegalStateException: the round goes on without fresh reads and the next one retries.
   */
  private int readTable(long nowMs) {
    boolean scan = tableChanged || nowMs >= nextTableReadMs;
    int work = 0;
    try {
      StateReader reader = state.get();
      if (scan) {
        tableChanged = false;
        observeAll(reader, nowMs);
        nextTableReadMs = nowMs + settings.tablePollMs();
      }
      for (ParticipantStream stream : streams.values()) {
        ParticipantStream.ReadRequest request = stream.readRequest();
        if (request != null) {
          List<Phase2Record> read = table.pending(reader, stream.participant(),
              request.afterSeq(), Math.min(request.limit(), readMax));
          stream.feed(request, read, nowMs);
          work += read.size();
        }
      }
    } catch (IllegalStateException e) {
      tableChanged |= scan;
      if (nowMs >= nextReadWarningMs) {
        nextReadWarningMs = nowMs + READ_WARNING_INTERVAL_MS;
        LOG.warn("Node {}: phase-2 dispatch could not read the table; retrying: {}", nodeId,
            e.toString());
      }
      return 0;
    }
    return work;
  }

  /** Starts streams for new backlogs and tells every stream its numbers and endpoint. */
  private void observeAll(StateReader reader, long nowMs) {
    Set<String> seen = new HashSet<>();
    for (Backlog backlog : table.backlog(reader)) {
      ParticipantStream stream = streams.computeIfAbsent(backlog.participant(),
          p -> new ParticipantStream(p, settings, jitter));
      observe(stream, reader, backlog.watermark(), backlog.lastSeq(), nowMs);
      seen.add(backlog.participant());
    }
    for (ParticipantStream stream : streams.values()) {
      if (!seen.contains(stream.participant())) {
        String p = stream.participant();
        observe(stream, reader, table.watermark(reader, p), table.lastSeq(reader, p), nowMs);
      }
    }
  }

  private void observe(ParticipantStream stream, StateReader reader, long watermark,
      long lastSeq, long nowMs) {
    String participant = stream.participant();
    Endpoint endpoint = table.endpoint(reader, participant).orElse(null);
    Endpoint previous = endpoint == null ? null : endpoints.put(participant, endpoint);
    if (previous != null && !previous.equals(endpoint)) {
      LOG.info("Participant {} moved from {} to {}", participant, previous, endpoint);
      stream.endpointChanged(nowMs);
    }
    stream.observe(watermark, lastSeq, endpoint != null, nowMs);
  }

  /**
   * Carries out one stream's step, collecting its ack. Returns the actions taken: an ack offered
   * but not yet proposed is no work, or a full ack window would keep the loop from ever idling.
   */
  private int execute(ParticipantStream stream, StreamStep step, List<Ack> acks) {
    if (step.isEmpty()) {
      return 0;
    }
    String participant = stream.participant();
    DispatchMetrics.ParticipantMeters meters = metrics.of(participant);
    int work = 0;
    if (step.closeConnection() != 0) {
      transport.close(participant, step.closeConnection());
      work++;
    }
    if (step.openConnection() != 0) {
      work++;
      if (stream.connections() > 1) {
        meters.reconnects.increment();
      }
      transport.connect(participant, endpoints.get(participant), step.openConnection());
    }
    if (!step.send().isEmpty()) {
      transport.send(participant, step.sendConnection(), calls(step.send()));
      meters.callsSent.increment(step.send().size());
      meters.retries.increment(step.resent());
      work++;
    }
    if (step.markNeedsOperator() != 0) {
      proposeMark(stream, step.markNeedsOperator());
      work++;
    }
    if (step.ackUpTo() != 0) {
      acks.add(new Ack(participant, step.ackUpTo()));
    }
    return work;
  }

  private List<Phase2Call> calls(List<Phase2Record> records) {
    List<Phase2Call> calls = new ArrayList<>(records.size());
    for (Phase2Record record : records) {
      calls.add(Phase2Call.newBuilder()
          .setParticipant(record.participant())
          .setSeq(record.seq())
          .setTerm(term)
          .setXid(record.xid())
          .setBranchId(record.branchId())
          .setDecision(switch (record.decision()) {
            case CONFIRM -> Decision.CONFIRM;
            case CANCEL -> Decision.CANCEL;
          })
          .setPayload(ByteString.copyFrom(record.payload()))
          .setOperatorResolved(record.state() == BranchState.RESOLVED_BY_OPERATOR)
          .build());
    }
    return calls;
  }

  // ------------------------------------------------------------------ proposals

  private void proposeMark(ParticipantStream stream, long seq) {
    String participant = stream.participant();
    stream.markProposed(seq);
    propose(new Command.MarkNeedsOperator(participant, seq), (result, failure) -> {
      boolean applied = failure == null && result.outcome() == Outcome.OK;
      if (!applied) {
        LOG.warn("Marking {}#{} as needing an operator failed: {}", participant, seq,
            failure != null ? failure.toString() : result.outcome() + " " + result.detail());
      }
      ParticipantStream current = streams.get(participant);
      if (current != null) {
        current.markDone(seq, applied, nowMs);
      }
    });
  }

  /** Proposes one RecordAcks with at most ackBatchMax acks, when the in-flight bound allows. */
  private int proposeAcks(List<Ack> acks) {
    if (acks.isEmpty() || ackProposalsInflight >= settings.ackProposalsInflightMax()) {
      return 0;
    }
    List<Ack> batch = List.copyOf(acks.subList(0, Math.min(acks.size(), ackBatchMax)));
    for (Ack ack : batch) {
      streams.get(ack.participant()).ackProposed(ack.appliedSeq());
    }
    ackProposalsInflight++;
    propose(new Command.RecordAcks(batch), (result, failure) -> {
      ackProposalsInflight--;
      if (failure == null && result.outcome() == Outcome.OK) {
        return;
      }
      LOG.debug("Proposing {} acks failed: {}", batch.size(),
          failure != null ? failure.toString() : result.outcome() + " " + result.detail());
      for (Ack ack : batch) {
        ParticipantStream stream = streams.get(ack.participant());
        if (stream != null) {
          stream.ackNotApplied(ack.appliedSeq());
        }
      }
    });
    return 1;
  }

  private interface Completion {
    void done(CommandResult result, Throwable failure);
  }

  /** Proposes command; its completion runs on the agent's thread, in a later round. */
  private void propose(Command command, Completion completion) {
    CompletableFuture<CommandResult> reply;
    try {
      reply = proposer.apply(command);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((result, failure) -> {
      inbox.add(() -> completion.done(result, failure));
      signal.run();
    });
  }

  private void publishMetrics(long nowMs) {
    for (ParticipantStream stream : streams.values()) {
      DispatchMetrics.ParticipantMeters meters = metrics.of(stream.participant());
      meters.backlog.set(Math.max(0, stream.lastSeq() - stream.watermark()));
      meters.confirmLagMs.set(stream.headAgeMs(nowMs));
      meters.downMs.set(stream.downForMs(nowMs));
      meters.needsOperator.set(stream.pausedSeq() != 0 ? 1 : 0);
    }
  }

  /** The stream of a participant, or null: for tests and a simulator's checks. */
  ParticipantStream stream(String participant) {
    return streams.get(participant);
  }
}
