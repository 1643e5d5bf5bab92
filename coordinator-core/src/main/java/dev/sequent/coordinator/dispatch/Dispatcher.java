package dev.sequent.coordinator.dispatch;

import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.storage.StateReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-only phase-two dispatcher of one node: {@link #start(long)} when the node becomes
 * leader of a term, {@link #stop()} when it stops leading, {@link #wake()} after every applied
 * entry. Each participant's calls go over exactly one pinned connection, in seq order, within a
 * window, carrying the term given to start; acks go back into the log in batches.
 *
 * <p>Threads: one agent thread, {@code sequent-dispatch-<node>}, runs {@link DispatchAgent} (all
 * logic, table reads and proposals) whenever it is woken, and at least every idleTickMs; a Netty
 * event loop, {@code sequent-dispatch-io-<node>}, does the socket I/O and only queues what
 * arrives; {@code sequent-dispatch-dns-<node>} resolves host names. The event loop and the
 * resolver live as long as the dispatcher; the agent thread lives for one term.
 *
 * <p>What it reads and writes: the table through {@code state} (re-fetched every round, since a
 * snapshot install swaps the store; a store that throws IllegalStateException is retried next
 * round), and proposals through {@code proposer}, which must not block (the node's Proposer
 * queues and answers later).
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** How long start and close wait for a previous term's agent thread to finish. */
  private static final long JOIN_WAIT_MS = 5_000;
  /** Host names waiting for resolution, at most: more means DNS is stuck, and connects fail. */
  private static final int RESOLVE_QUEUE_MAX = 1_024;

  private final String nodeId;
  private final DispatcherSettings settings;
  private final TransactionTable table;
  private final Supplier<StateReader> state;
  private final Function<Command, CompletableFuture<CommandResult>> proposer;
  private final DispatchMetrics metrics;
  private final LongSupplier clockMs;
  private final JitterSource jitter;
  private final ClientTls participantTls;
  private final EventLoopGroup group;
  private final ExecutorService resolver;

  private volatile Run run;
  private boolean closed;

  /** One term's agent and its thread. */
  private static final class Run {
    final AtomicBoolean signalled = new AtomicBoolean();
    volatile boolean running = true;
    DispatchAgent agent;
    volatile Thread thread;

    /** Wakes the agent thread: an input arrived. Any thread. */
    void signal() {
      signalled.set(true);
      Thread current = thread;
      if (current != null) {
        LockSupport.unpark(current);
      }
    }
  }

  /**
   * A stopped dispatcher.
   *
   * @param state the state machine's current store, fetched again every round
   * @param proposer proposes one command into the log; must not block
   * @throws IllegalArgumentException when the settings exceed what the table allows in one read
   *     or one ack command
   */
  public Dispatcher(String nodeId, DispatcherSettings settings, TransactionTable table,
      Supplier<StateReader> state, Function<Command, CompletableFuture<CommandResult>> proposer,
      MeterRegistry metrics) {
    this(nodeId, settings, table, state, proposer, metrics, null);
  }

  /**
   * A stopped dispatcher whose participant connections use TLS.
   *
   * @param participantTls TLS on every participant connection (the node's own certificate
   *     presented, the endpoint's checked), or null for plaintext
   */
  public Dispatcher(String nodeId, DispatcherSettings settings, TransactionTable table,
      Supplier<StateReader> state, Function<Command, CompletableFuture<CommandResult>> proposer,
      MeterRegistry metrics, ClientTls participantTls) {
    this(nodeId, settings, table, state, proposer, metrics, Dispatcher::monotonicMs,
        new SplittableRandom()::nextLong, participantTls);
  }

  Dispatcher(String nodeId, DispatcherSettings settings, TransactionTable table,
      Supplier<StateReader> state, Function<Command, CompletableFuture<CommandResult>> proposer,
      MeterRegistry metrics, LongSupplier clockMs, JitterSource jitter, ClientTls participantTls) {
    if (settings.pendingReadMax() > table.limits().pageEntriesMax()) {
      throw new IllegalArgumentException("pendingReadMax " + settings.pendingReadMax()
          + " exceeds the table's pageEntriesMax " + table.limits().pageEntriesMax());
    }
    if (settings.ackBatchMax() > table.limits().ackBatchMax()) {
      throw new IllegalArgumentException("ackBatchMax " + settings.ackBatchMax()
          + " exceeds the table's ackBatchMax " + table.limits().ackBatchMax());
    }
    this.nodeId = nodeId;
    this.settings = settings;
    this.table = table;
    this.state = state;
    this.proposer = proposer;
    this.metrics = new DispatchMetrics(metrics, nodeId);
    this.clockMs = clockMs;
    this.jitter = jitter;
    this.participantTls = participantTls;
    this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("sequent-dispatch-io-" + nodeId,
        true));
    this.resolver = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(RESOLVE_QUEUE_MAX),
        new DefaultThreadFactory("sequent-dispatch-dns-" + nodeId, true));
  }

  /**
   * Starts dispatching as leader of term: every call carries it. A dispatcher already running
   * for this term goes on; one running for another term is stopped first.
   */
  public synchronized void start(long term) {
    if (closed) {
      throw new IllegalStateException("dispatcher of node " + nodeId + " is closed");
    }
    Run current = run;
    if (current != null && current.running && current.agent.term() == term) {
      return;
    }
    stopAndJoin();
    Run started = new Run();
    started.agent = new DispatchAgent(nodeId, term, settings, table, state, proposer,
        events -> new NettyTransport(group, resolver, settings, events, participantTls), jitter,
        metrics, started::signal);
    Thread thread = new Thread(() -> loop(started), "sequent-dispatch-" + nodeId);
    thread.setDaemon(true);
    started.thread = thread;
    run = started;
    LOG.info("Node {}: phase-2 dispatch starts for term {}", nodeId, term);
    thread.start();
  }

  /**
   * Stops dispatching: the agent thread closes every connection and ends. Does not wait for it
   * (leadership listeners must not block); a later start or close does, boundedly.
   */
  public synchronized void stop() {
    Run current = run;
    if (current != null && current.running) {
      LOG.info("Node {}: phase-2 dispatch stops (term {})", nodeId, current.agent.term());
      current.running = false;
      LockSupport.unpark(current.thread);
    }
  }

  /** Something was applied: look at the table again soon. Cheap; never blocks. */
  public void wake() {
    Run current = run;
    if (current != null && current.running) {
      current.agent.tableChanged();
    }
  }

  /** True while dispatching for some term. */
  public boolean isRunning() {
    Run current = run;
    return current != null && current.running;
  }

  /** Stops, waits (boundedly) for the agent thread, and releases the threads of the I/O. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopAndJoin();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(JOIN_WAIT_MS);
    resolver.shutdownNow();
  }

  private void stopAndJoin() {
    Run current = run;
    if (current == null) {
      return;
    }
    stop();
    try {
      current.thread.join(JOIN_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (current.thread.isAlive()) {
      LOG.warn("Node {}: the dispatch thread of term {} did not end within {} ms", nodeId,
          current.agent.term(), JOIN_WAIT_MS);
    }
    run = null;
  }

  /** The agent thread: a round whenever woken, or every idleTickMs. */
  private void loop(Run self) {
    DispatchAgent agent = self.agent;
    long idleNanos = TimeUnit.MILLISECONDS.toNanos(settings.idleTickMs());
    while (self.running) {
      self.signalled.set(false);
      int work;
      try {
        work = agent.doWork(clockMs.getAsLong());
      } catch (RuntimeException e) {
        // A bug in a round must not end dispatch for the whole term; the next round retries.
        LOG.error("Node {}: a dispatch round failed", nodeId, e);
        work = 0;
      }
      if (work == 0 && !self.signalled.get()) {
        LockSupport.parkNanos(this, idleNanos);
      }
    }
    try {
      agent.close();
    } finally {
      metrics.clear();
      LOG.info("Node {}: phase-2 dispatch of term {} ended", nodeId, agent.term());
    }
  }

  /** Milliseconds from a monotonic clock: retry deadlines must not jump with the wall clock. */
  private static long monotonicMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }
}
