package dev.sequent.coordinator.propose;

import dev.sequent.coordinator.log.LogEntry;
import dev.sequent.coordinator.log.LogEntryCodec;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.protocol.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches client commands into Raft entries: one entry carries many commands, each keeping its own
 * reply, so throughput is not capped by Raft's cost per entry (about 0.3-0.5 ms here).
 *
 * <p>One named thread drains the queue. While the entries in flight are at their limit it waits,
 * and the commands arriving meanwhile make the next entry bigger: under load batches grow by
 * themselves; at low load each command goes out at once, alone, without waiting for company.
 *
 * <p>Every failure to get a command applied is answered with a transient outcome (NOT_LEADER,
 * UNAVAILABLE, TIMEOUT): the client retries with the same xid, and the table's idempotency makes
 * the retry safe whether or not the first attempt was applied.
 */
public final class Proposer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Proposer.class);
  /** Bytes per command beyond its ids and payloads, an upper bound on the codec's framing. */
  private static final int COMMAND_OVERHEAD_BYTES = 64;

  private final Function<byte[], CompletableFuture<byte[]>> submitter;
  private final ProposerLimits limits;
  private final BlockingQueue<Pending> queue;
  private final Semaphore entriesInflight;
  private final Thread thread;
  private final DistributionSummary commandsPerEntry;
  private final Counter overloaded;
  private volatile boolean running = true;
  private Pending carried;

  private record Pending(Command command, int bytes, CompletableFuture<CommandResult> reply) {}

  /**
   * @param submitter proposes an encoded entry to Raft and completes with the apply reply
   */
  public Proposer(Function<byte[], CompletableFuture<byte[]>> submitter, ProposerLimits limits,
      MeterRegistry metrics, String nodeId) {
    this.submitter = submitter;
    this.limits = limits;
    this.queue = new ArrayBlockingQueue<>(limits.queueMax());
    this.entriesInflight = new Semaphore(limits.entriesInflightMax());
    this.commandsPerEntry = DistributionSummary.builder("sequent.proposer.commands.per.entry")
        .description("TCC commands batched into one Raft entry")
        .tag("node", nodeId)
        .register(metrics);
    this.overloaded = Counter.builder("sequent.proposer.overloaded")
        .description("Commands refused because the proposer queue was full")
        .tag("node", nodeId)
        .register(metrics);
    this.thread = new Thread(this::run, "sequent-proposer-" + nodeId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a command for the next entry; never blocks. */
  public CompletableFuture<CommandResult> propose(Command command) {
    CompletableFuture<CommandResult> reply = new CompletableFuture<>();
    int bytes = approximateBytes(command);
    if (!running) {
      reply.complete(transientResult(Outcome.SHUTTING_DOWN, "node is shutting down"));
    } else if (bytes > limits.entryBytesMax()) {
      reply.complete(new CommandResult(Outcome.PAYLOAD_TOO_LARGE, null,
          "command of about " + bytes + " bytes exceeds the entry limit "
              + limits.entryBytesMax()));
    } else if (!queue.offer(new Pending(command, bytes, reply))) {
      overloaded.increment();
      reply.complete(transientResult(Outcome.OVERLOADED, "proposer queue is full"));
    }
    return reply;
  }

  private void run() {
    while (running) {
      try {
        List<Pending> batch = nextBatch();
        if (batch.isEmpty()) {
          continue;
        }
        // Waiting here while entries are in flight is what lets the next batch grow.
        while (running && !entriesInflight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          // keep checking `running`, so close() is never stuck behind a lost reply
        }
        if (!running) {
          fail(batch, Outcome.SHUTTING_DOWN, "node is shutting down");
          break;
        }
        send(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        LOG.error("Proposer loop failed; continuing", e);
      }
    }
    drainAndFail();
  }

  /** Takes the next command (waiting up to 100 ms), then whatever else fits in one entry. */
  private List<Pending> nextBatch() throws InterruptedException {
    List<Pending> batch = new ArrayList<>();
    Pending first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
    carried = null;
    if (first == null) {
      return batch;
    }
    batch.add(first);
    int bytes = first.bytes();
    while (batch.size() < limits.commandsPerEntryMax()) {
      Pending next = queue.poll();
      if (next == null) {
        break;
      }
      if (bytes + next.bytes() > limits.entryBytesMax()) {
        carried = next; // starts the next entry, keeping arrival order
        break;
      }
      batch.add(next);
      bytes += next.bytes();
    }
    return batch;
  }

  private void send(List<Pending> batch) {
    List<Command> commands = new ArrayList<>(batch.size());
    batch.forEach(p -> commands.add(p.command()));
    commandsPerEntry.record(commands.size());
    byte[] entry;
    try {
      // The leader time is stamped by the state machine when Raft accepts the entry.
      entry = LogEntryCodec.encode(LogEntry.of(0L, commands));
    } catch (RuntimeException e) {
      entriesInflight.release();
      LOG.error("Cannot encode an entry of {} commands", commands.size(), e);
      fail(batch, Outcome.INTERNAL, "cannot encode entry: " + e.getMessage());
      return;
    }
    CompletableFuture<byte[]> applied;
    try {
      applied = submitter.apply(entry);
    } catch (RuntimeException e) {
      applied = CompletableFuture.failedFuture(e);
    }
    applied.orTimeout(limits.applyTimeoutMs(), TimeUnit.MILLISECONDS)
        .whenComplete((reply, error) -> {
          entriesInflight.release();
          if (error != null) {
            Failure failure = Failure.classify(error);
            fail(batch, failure.outcome(), failure.message());
          } else {
            complete(batch, reply);
          }
        });
  }

  private static void complete(List<Pending> batch, byte[] reply) {
    List<CommandResult> results;
    try {
      results = LogEntryCodec.decodeResults(reply);
    } catch (RuntimeException e) {
      fail(batch, Outcome.INTERNAL, "cannot decode apply reply: " + e.getMessage());
      return;
    }
    if (results.size() != batch.size()) {
      // An empty reply is what a replayed entry answers; anything else is a bug. Either way the
      // client's retry finds the real answer in the table.
      fail(batch, Outcome.UNAVAILABLE,
          "apply answered " + results.size() + " results for " + batch.size() + " commands");
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).reply().complete(results.get(i));
    }
  }

  private static void fail(List<Pending> batch, Outcome outcome, String message) {
    CommandResult result = transientResult(outcome, message);
    batch.forEach(p -> p.reply().complete(result));
  }

  private static CommandResult transientResult(Outcome outcome, String message) {
    return new CommandResult(outcome, null, message);
  }

  private void drainAndFail() {
    List<Pending> rest = new ArrayList<>();
    if (carried != null) {
      rest.add(carried);
      carried = null;
    }
    queue.drainTo(rest);
    fail(rest, Outcome.SHUTTING_DOWN, "node is shutting down");
  }

  /** An upper bound on a command's encoded size, from its variable-length parts. */
  static int approximateBytes(Command command) {
    return switch (command.kind()) {
      case BEGIN -> {
        Command.Begin begin = (Command.Begin) command;
        int bytes = COMMAND_OVERHEAD_BYTES + utf8Bound(begin.xid());
        for (Branch branch : begin.branches()) {
          bytes += branchBytes(branch);
        }
        yield bytes;
      }
      case REGISTER_BRANCH -> {
        Command.RegisterBranch register = (Command.RegisterBranch) command;
        yield COMMAND_OVERHEAD_BYTES + utf8Bound(register.xid()) + branchBytes(register.branch());
      }
      case DECIDE -> COMMAND_OVERHEAD_BYTES + utf8Bound(((Command.Decide) command).xid());
      case RECORD_ACKS -> {
        int bytes = COMMAND_OVERHEAD_BYTES;
        for (var ack : ((Command.RecordAcks) command).acks()) {
          bytes += 16 + utf8Bound(ack.participant());
        }
        yield bytes;
      }
      case EXPIRE_DUE -> COMMAND_OVERHEAD_BYTES;
      case MARK_NEEDS_OPERATOR ->
          COMMAND_OVERHEAD_BYTES + utf8Bound(((Command.MarkNeedsOperator) command).participant());
      case OPERATOR_RESOLVE ->
          COMMAND_OVERHEAD_BYTES + utf8Bound(((Command.OperatorResolve) command).participant());
      case ANNOUNCE_ENDPOINT -> {
        Command.AnnounceEndpoint announce = (Command.AnnounceEndpoint) command;
        yield COMMAND_OVERHEAD_BYTES + utf8Bound(announce.participant())
            + utf8Bound(announce.host());
      }
    };
  }

  private static int branchBytes(Branch branch) {
    return 16 + utf8Bound(branch.branchId()) + utf8Bound(branch.participant())
        + branch.payloadBytes();
  }

  private static int utf8Bound(String s) {
    return 3 * s.length();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drainAndFail();
  }
}
