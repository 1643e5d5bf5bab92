package dev.sequent.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.AnnounceEndpointRequest;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.DecideRequest;
import dev.sequent.protocol.proto.OperatorResolveRequest;
import dev.sequent.protocol.proto.RegisterBranchRequest;
import dev.sequent.protocol.proto.StatusRequest;
import dev.sequent.protocol.proto.TryRequest;
import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.tls.TlsSettings;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.WireFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initiator's client of a Sequent cluster: begin a transaction, register branches, decide,
 * ask for status.
 *
 * <p>Give it any nodes of the cluster; it finds the leader (following NOT_LEADER hints, at most
 * {@code redirectsMax} per call) and keeps one pipelined connection per node. Transient outcomes
 * and connection failures are retried with exponential backoff and jitter until the call's {@code
 * operationTimeoutMs} runs out; then the future fails with a {@link TccClientException}. Every
 * other outcome, including refusals like {@code DECISION_CONFLICT}, completes the future normally:
 * it is the answer. Every request is idempotent by xid, so repeating one (after a failure, or from
 * another process) is safe.
 *
 * <p>Futures complete on the callback executor, never on a network thread, so a callback may block
 * without stalling the client. {@link #blocking()} offers the same calls for plain threads.
 *
 * <p>With {@link Builder#tls} every connection (to nodes, and to participant endpoints for tries)
 * is TLS. A peer that refuses this client's credentials (a failed handshake, {@code
 * UNAUTHENTICATED}, {@code PERMISSION_DENIED}) ends the call at once with a {@link
 * TccClientException} whose {@code lastOutcome()} says which: the same credentials would get the
 * same answer from every node, and nothing was applied.
 *
 * <pre>{@code
 * try (TccClient client = TccClient.builder().seed("10.0.0.1", 7000).build()) {
 *   String xid = TccClient.newXid();
 *   client.begin(xid, 30_000, List.of(Branch.of("debit", "accounts")))
 *       .thenCompose(begun -> client.confirm(xid));
 * }
 * }</pre>
 */
public final class TccClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TccClient.class);

  /** How long close() waits for the event loops to stop. */
  static final long CLOSE_WAIT_MS = 5_000;
  /** Extra wait of a blocking call beyond the operation timeout, which ends the call itself. */
  static final long BLOCKING_SLACK_MS = 1_000;
  static final String IO_THREAD_PREFIX = "sequent-client-io";
  static final String CALLBACK_THREAD_PREFIX = "sequent-client-callback";
  static final int CALLBACK_THREADS_DEFAULT = 2;
  /** Host-name lookups waiting for the resolver thread; beyond it a connect fails, then retries. */
  static final int RESOLVE_QUEUE_MAX = 64;

  private final ClientConfig config;
  private final EventLoopGroup group;
  private final ExecutorService resolverPool;
  private final Executor callbackExecutor;
  private final ExecutorService ownedCallbackPool;
  private final NodeConnections connections;
  private final NodeDirectory directory;
  private final CallEnv env;
  private final Set<InitiatorCall> inflight = ConcurrentHashMap.newKeySet();
  private final Set<TryCall> inflightTries = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Blocking blocking = new Blocking();

  private TccClient(ClientConfig config, Executor callbackExecutor, MeterRegistry registry) {
    this.config = config;
    this.group = new NioEventLoopGroup(config.ioThreads(), NamedThreads.daemon(IO_THREAD_PREFIX));
    ThreadPoolExecutor resolver = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(RESOLVE_QUEUE_MAX), NamedThreads.daemon("sequent-client-dns"));
    resolver.allowCoreThreadTimeOut(true);
    this.resolverPool = resolver;
    if (callbackExecutor == null) {
      this.ownedCallbackPool = Executors.newFixedThreadPool(CALLBACK_THREADS_DEFAULT,
          NamedThreads.daemon(CALLBACK_THREAD_PREFIX));
      this.callbackExecutor = ownedCallbackPool;
    } else {
      this.ownedCallbackPool = null;
      this.callbackExecutor = callbackExecutor;
    }
    this.connections = new NodeConnections(config, group, resolverPool);
    this.directory = new NodeDirectory(config.seeds());
    this.env = new CallEnv(config,
        new Backoff(config.backoffInitialMs(), config.backoffMaxMs(), config.jitter()),
        directory, connections, new AtomicLong(), new ClientMetrics(registry), group, closed);
  }

  /** A builder; at least one seed is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A fresh, unique transaction id (a random UUID). */
  public static String newXid() {
    return UUID.randomUUID().toString();
  }

  /**
   * Begins transaction {@code xid}, with the branches already known, in one log command.
   *
   * @param xid chosen by the caller; beginning the same xid again with the same content is
   *     idempotent, with other content it answers {@code XID_CONFLICT}
   * @param timeoutMs how long the transaction may stay TRYING before the cluster cancels it
   * @param branches branches to register with the begin, possibly none
   */
  public CompletableFuture<TxnResult> begin(String xid, long timeoutMs, List<Branch> branches) {
    return async(newCall(MessageType.BEGIN_REQUEST, xid, beginRequest(xid, timeoutMs, branches)));
  }

  /** Registers one more branch of a TRYING transaction ({@code NOT_TRYING} once decided). */
  public CompletableFuture<TxnResult> registerBranch(String xid, Branch branch) {
    return async(newCall(MessageType.REGISTER_BRANCH_REQUEST, xid, registerRequest(xid, branch)));
  }

  /**
   * Decides the transaction. Answers once the decision is committed; phase two runs in the
   * background. The same decision again answers the same; the opposite one answers {@code
   * DECISION_CONFLICT}.
   */
  public CompletableFuture<TxnResult> decide(String xid, Decision decision) {
    return async(newCall(MessageType.DECIDE_REQUEST, xid, decideRequest(xid, decision)));
  }

  /** {@code decide(xid, CONFIRM)}. */
  public CompletableFuture<TxnResult> confirm(String xid) {
    return decide(xid, Decision.CONFIRM);
  }

  /** {@code decide(xid, CANCEL)}. */
  public CompletableFuture<TxnResult> cancel(String xid) {
    return decide(xid, Decision.CANCEL);
  }

  /** The transaction as the leader holds it ({@code TXN_NOT_FOUND} for an unknown xid). */
  public CompletableFuture<TxnResult> status(String xid) {
    return async(newCall(MessageType.STATUS_REQUEST, xid, statusRequest(xid)));
  }

  /**
   * Tells the cluster where participant {@code participant}'s endpoint listens, so the leader
   * delivers its phase-2 calls there; the latest announcement wins. Answered OK once the cluster
   * recorded it (with a txn-less {@link TxnResult}). A {@code ParticipantEndpoint} given a client
   * announces itself; call this directly only for an endpoint of your own.
   */
  public CompletableFuture<TxnResult> announceEndpoint(String participant, String host,
      int port) {
    return async(newCallAbout(MessageType.ANNOUNCE_ENDPOINT_REQUEST, "participant=" + participant,
        announceRequest(participant, host, port)));
  }

  /**
   * An operator resolves participant {@code participant}'s phase-2 call {@code seq} by hand (after
   * it was marked as needing an operator): the cluster records it as resolved and tells the
   * participant to skip it, so the calls after it go on in order. Answered with the transaction of
   * that call ({@code PHASE2_CALL_NOT_FOUND} when no such call was assigned).
   */
  public CompletableFuture<TxnResult> resolve(String participant, long seq) {
    return async(newCallAbout(MessageType.OPERATOR_RESOLVE_REQUEST,
        "participant=" + participant + " seq=" + seq, resolveRequest(participant, seq)));
  }

  /**
   * Sends the try of {@code branch} straight to its participant's endpoint (the coordinator is not
   * involved: register the branch first, as {@link #begin} with branches or {@link
   * #registerBranch} do, so a cancel can always reach it). Connection failures, missing replies
   * and transient outcomes are retried, at most {@code tryAttemptsMax} attempts in all and within
   * the operation timeout; a duplicate try is safe, the participant's fence answers it with the
   * first answer. Giving up fails the future with a {@link TccClientException}.
   */
  public CompletableFuture<TryResult> tryBranch(InetSocketAddress participantEndpoint, String xid,
      Branch branch) {
    TryRequest request = tryRequest(xid, branch);
    TryCall call = new TryCall(env, Objects.requireNonNull(participantEndpoint, "endpoint"),
        request);
    long frameLength = WireFormat.frameLength(request);
    if (frameLength > config.frameBytesMax()) {
      return CompletableFuture.completedFuture(new TryResult(Outcome.FRAME_TOO_LARGE,
          "the try needs a frame length of " + frameLength + " bytes, above frameBytesMax "
              + config.frameBytesMax()));
    }
    inflightTries.add(call);
    call.result().whenComplete((answer, failure) -> inflightTries.remove(call));
    if (closed.get()) {
      call.abort("the client was closed");
    } else {
      call.start();
    }
    CompletableFuture<TryResult> caller = new CompletableFuture<>();
    call.result().whenComplete((answer, failure) -> deliver(() -> {
      if (failure == null) {
        caller.complete(answer);
      } else {
        caller.completeExceptionally(failure);
      }
    }));
    return caller;
  }

  /**
   * A new transaction with a fresh xid: add branches, then {@link TccTransaction#execute()}. Its
   * participants' endpoints come from {@link Builder#participantEndpoint}.
   *
   * @param timeoutMs how long the transaction may stay TRYING before the cluster cancels it
   */
  public TccTransaction transaction(long timeoutMs) {
    return transaction(newXid(), timeoutMs);
  }

  /** A new transaction with the given xid (see {@link #transaction(long)}). */
  public TccTransaction transaction(String xid, long timeoutMs) {
    return new TccTransaction(this, xid, timeoutMs, config.participantEndpoints());
  }

  /** The same calls, waiting for their answer. Not for event-loop threads. */
  public Blocking blocking() {
    return blocking;
  }

  // ------------------------------------------------------------------ for AdminClient

  /** The nodes this client knows: the seeds, then the addresses leader hints taught it. */
  List<InetSocketAddress> knownNodes() {
    return directory.nodes();
  }

  ClientConfig config() {
    return config;
  }

  /**
   * An operator's request, retried and following the leader like an initiator's.
   *
   * @param operationTimeoutMs how long the whole call may take
   * @param attemptTimeoutMs how long one attempt may wait for its answer
   */
  <T> CompletableFuture<T> adminCall(MessageType type, String subject, MessageLite request,
      long operationTimeoutMs, long attemptTimeoutMs, Function<Answer, T> map) {
    InitiatorCall call = new InitiatorCall(env, type, subject, request, operationTimeoutMs,
        attemptTimeoutMs);
    inflight.add(call);
    call.result().whenComplete((answer, failure) -> inflight.remove(call));
    if (closed.get()) {
      call.abort("the client was closed");
    } else {
      call.start();
    }
    return answered(call, map);
  }

  /**
   * One attempt at one node, without retries or leader hints: for the questions only that node
   * can answer (its own status, its snapshot). Fails with a {@link TccClientException} when the
   * node cannot be reached or does not answer within timeoutMs.
   */
  <T> CompletableFuture<T> nodeCall(InetSocketAddress node, MessageType type,
      MessageLite request, long timeoutMs, Function<Answer, T> map) {
    InetSocketAddress target = NodeDirectory.normalize(node);
    String what = ClientMetrics.tag(type) + " at " + NodeDirectory.describe(target);
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(new TccClientException(what + ": the client was closed",
          null, List.of(), 0));
      return delivered(result);
    }
    try {
      env.connections().send(target, new Envelope(type, env.requestIds().incrementAndGet(),
          request), timeoutMs).whenComplete((reply, failure) -> {
            Answer answer = failure == null ? Answer.of(reply) : null;
            if (answer != null) {
              try {
                result.complete(map.apply(answer));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
              return;
            }
            AttemptFailure attempt = failure != null ? AttemptFailure.of(failure) : null;
            String why = attempt != null ? attempt.getMessage() : "unexpected " + reply.type();
            result.completeExceptionally(new TccClientException(what + " failed: " + why,
                attempt != null ? attempt.outcome() : null, List.of(why), 1));
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new TccClientException(what + ": the client was closed",
          null, List.of(), 0));
    }
    return delivered(result);
  }

  /** The same completion, delivered on the callback executor. */
  private <T> CompletableFuture<T> delivered(CompletableFuture<T> inner) {
    CompletableFuture<T> caller = new CompletableFuture<>();
    inner.whenComplete((value, failure) -> deliver(() -> {
      if (failure == null) {
        caller.complete(value);
      } else {
        caller.completeExceptionally(failure);
      }
    }));
    return caller;
  }

  /** The node the next call starts at: the last node that answered as leader. */
  InetSocketAddress leaderGuess() {
    return directory.leader();
  }

  /**
   * Fails every call in flight with a {@link TccClientException}, closes the connections and stops
   * the event loops (waiting at most 5 s, and not at all on an event loop).
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (InitiatorCall call : inflight) {
      call.abort("the client was closed");
    }
    for (TryCall call : inflightTries) {
      call.abort("the client was closed");
    }
    connections.close();
    Future<?> stopped = group.shutdownGracefully(0, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
    if (ThreadExecutorMap.currentExecutor() == null && !onOwnEventLoop()
        && !stopped.awaitUninterruptibly(CLOSE_WAIT_MS)) {
      log.warn("client event loops did not stop within {} ms", CLOSE_WAIT_MS);
    }
    resolverPool.shutdownNow();
    if (ownedCallbackPool != null) {
      // Not awaited: failures of the calls aborted above are still being delivered on it.
      ownedCallbackPool.shutdown();
    }
  }

  private InitiatorCall newCall(MessageType type, String xid, MessageLite request) {
    return newCallAbout(type, "xid=" + xid, request);
  }

  private InitiatorCall newCallAbout(MessageType type, String subject, MessageLite request) {
    InitiatorCall call = new InitiatorCall(env, type, subject, request);
    long frameLength = WireFormat.frameLength(request);
    if (frameLength > config.frameBytesMax()) {
      // The node would refuse it and close the connection under every other call: answer here.
      call.finishLocally(Answer.local(Outcome.FRAME_TOO_LARGE, "the request needs a frame"
          + " length of " + frameLength + " bytes, above frameBytesMax " + config.frameBytesMax()));
      return call;
    }
    inflight.add(call);
    call.result().whenComplete((answer, failure) -> inflight.remove(call));
    // Checked after adding, so close() either sees this call or this sees close().
    if (closed.get()) {
      call.abort("the client was closed");
      return call;
    }
    call.start();
    return call;
  }

  /** The caller's future: completed on the callback executor; cancelling it ends the call. */
  private CompletableFuture<TxnResult> async(InitiatorCall call) {
    return answered(call, Answer::toResult);
  }

  /** The caller's future of the call's answer, mapped; the same rules as {@link #async}. */
  private <T> CompletableFuture<T> answered(InitiatorCall call, Function<Answer, T> map) {
    CompletableFuture<T> caller = new CompletableFuture<>();
    call.result().whenComplete((answer, failure) -> deliver(() -> {
      if (failure == null) {
        try {
          caller.complete(map.apply(answer));
        } catch (RuntimeException e) {
          // A refusal the mapping turns into an exception (admin calls), or a bug: either way
          // the caller must hear of it.
          caller.completeExceptionally(e);
        }
      } else {
        caller.completeExceptionally(failure);
      }
    }));
    caller.whenComplete((answer, failure) -> {
      if (caller.isCancelled()) {
        call.abort("the caller cancelled it");
      }
    });
    return caller;
  }

  private void deliver(Runnable completion) {
    try {
      callbackExecutor.execute(completion);
    } catch (RejectedExecutionException e) {
      // The callback executor is shut down; still never run callers' code on an event loop.
      ForkJoinPool.commonPool().execute(completion);
    }
  }

  private TxnResult await(InitiatorCall call) {
    long waitMs = config.operationTimeoutMs() + BLOCKING_SLACK_MS;
    try {
      return call.result().get(waitMs, TimeUnit.MILLISECONDS).toResult();
    } catch (ExecutionException e) {
      throw clientException(e.getCause());
    } catch (TimeoutException e) {
      call.abort("no answer within " + waitMs + " ms of waiting");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.abort("the waiting thread was interrupted");
    }
    // Aborted above, so done now: the answer if it won the race, else the abort's exception.
    try {
      return call.result().join().toResult();
    } catch (CompletionException e) {
      throw clientException(e.getCause());
    }
  }

  private static RuntimeException clientException(Throwable cause) {
    return cause instanceof RuntimeException
        ? (RuntimeException) cause
        : new IllegalStateException("unexpected failure of a call", cause);
  }

  private void forbidEventLoop(String method) {
    if (ThreadExecutorMap.currentExecutor() != null || onOwnEventLoop()) {
      throw new IllegalStateException("blocking " + method + " called on event-loop thread "
          + Thread.currentThread().getName() + "; it would stall every connection of that loop:"
          + " use the asynchronous method");
    }
  }

  private boolean onOwnEventLoop() {
    for (EventExecutor executor : group) {
      if (executor.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  private static BeginRequest beginRequest(String xid, long timeoutMs, List<Branch> branches) {
    Branch.requireText(xid, "xid");
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeoutMs must be positive, was " + timeoutMs);
    }
    BeginRequest.Builder request = BeginRequest.newBuilder().setXid(xid).setTimeoutMs(timeoutMs);
    for (Branch branch : Objects.requireNonNull(branches, "branches")) {
      request.addBranches(Objects.requireNonNull(branch, "branch").toSpec());
    }
    return request.build();
  }

  private static RegisterBranchRequest registerRequest(String xid, Branch branch) {
    Branch.requireText(xid, "xid");
    return RegisterBranchRequest.newBuilder()
        .setXid(xid)
        .setBranch(Objects.requireNonNull(branch, "branch").toSpec())
        .build();
  }

  private static DecideRequest decideRequest(String xid, Decision decision) {
    Branch.requireText(xid, "xid");
    Objects.requireNonNull(decision, "decision");
    return DecideRequest.newBuilder()
        .setXid(xid)
        .setDecision(decision == Decision.CONFIRM
            ? dev.sequent.protocol.proto.Decision.CONFIRM
            : dev.sequent.protocol.proto.Decision.CANCEL)
        .build();
  }

  private static StatusRequest statusRequest(String xid) {
    Branch.requireText(xid, "xid");
    return StatusRequest.newBuilder().setXid(xid).build();
  }

  private static AnnounceEndpointRequest announceRequest(String participant, String host,
      int port) {
    Branch.requireText(participant, "participant");
    Branch.requireText(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [1, 65535], was " + port);
    }
    return AnnounceEndpointRequest.newBuilder()
        .setParticipant(participant).setHost(host).setPort(port).build();
  }

  private static OperatorResolveRequest resolveRequest(String participant, long seq) {
    Branch.requireText(participant, "participant");
    if (seq < 1) {
      throw new IllegalArgumentException("seq counts from 1, was " + seq);
    }
    return OperatorResolveRequest.newBuilder().setParticipant(participant).setSeq(seq).build();
  }

  private static TryRequest tryRequest(String xid, Branch branch) {
    Branch.requireText(xid, "xid");
    Objects.requireNonNull(branch, "branch");
    return TryRequest.newBuilder()
        .setXid(xid)
        .setBranchId(branch.branchId())
        .setParticipant(branch.participant())
        .setPayload(ByteString.copyFrom(branch.payload()))
        .build();
  }

  /**
   * The calls of {@link TccClient}, waiting at most the operation timeout (plus a little) for their
   * answer. They throw {@link TccClientException} where the future would fail, and refuse to run
   * on an event-loop thread (IllegalStateException), where waiting would stall the network.
   */
  public final class Blocking {
    private Blocking() {}

    /** See {@link TccClient#begin}. */
    public TxnResult begin(String xid, long timeoutMs, List<Branch> branches) {
      forbidEventLoop("begin");
      return await(newCall(MessageType.BEGIN_REQUEST, xid,
          beginRequest(xid, timeoutMs, branches)));
    }

    /** See {@link TccClient#registerBranch}. */
    public TxnResult registerBranch(String xid, Branch branch) {
      forbidEventLoop("registerBranch");
      return await(newCall(MessageType.REGISTER_BRANCH_REQUEST, xid,
          registerRequest(xid, branch)));
    }

    /** See {@link TccClient#decide}. */
    public TxnResult decide(String xid, Decision decision) {
      forbidEventLoop("decide");
      return await(newCall(MessageType.DECIDE_REQUEST, xid, decideRequest(xid, decision)));
    }

    /** See {@link TccClient#confirm}. */
    public TxnResult confirm(String xid) {
      return decide(xid, Decision.CONFIRM);
    }

    /** See {@link TccClient#cancel}. */
    public TxnResult cancel(String xid) {
      return decide(xid, Decision.CANCEL);
    }

    /** See {@link TccClient#status}. */
    public TxnResult status(String xid) {
      forbidEventLoop("status");
      return await(newCall(MessageType.STATUS_REQUEST, xid, statusRequest(xid)));
    }

    /** See {@link TccClient#announceEndpoint}. */
    public TxnResult announceEndpoint(String participant, String host, int port) {
      forbidEventLoop("announceEndpoint");
      return await(newCallAbout(MessageType.ANNOUNCE_ENDPOINT_REQUEST, "participant=" + participant,
          announceRequest(participant, host, port)));
    }

    /** See {@link TccClient#resolve}. */
    public TxnResult resolve(String participant, long seq) {
      forbidEventLoop("resolve");
      return await(newCallAbout(MessageType.OPERATOR_RESOLVE_REQUEST,
          "participant=" + participant + " seq=" + seq, resolveRequest(participant, seq)));
    }
  }

  /** Settings of a client; every value is checked when {@link #build()} is called. */
  public static final class Builder {
    private final List<InetSocketAddress> seeds = new ArrayList<>();
    private long requestTimeoutMs = 2_000;
    private long operationTimeoutMs = 15_000;
    private int redirectsMax = 3;
    private long backoffInitialMs = 20;
    private long backoffMaxMs = 1_000;
    private RetryJitter jitter = RetryJitter.FULL;
    private int frameBytesMax = WireFormat.FRAME_BYTES_MAX_DEFAULT;
    private int ioThreads = 1;
    private int tryAttemptsMax = 3;
    private final Map<String, InetSocketAddress> participantEndpoints = new LinkedHashMap<>();
    private Executor callbackExecutor;
    private MeterRegistry meterRegistry;
    private TlsSettings tls;

    private Builder() {}

    /** Adds nodes of the cluster to start from; any node will do, the leader is found. */
    public Builder seeds(List<InetSocketAddress> nodes) {
      nodes.forEach(this::seed);
      return this;
    }

    /** Adds one node to start from. */
    public Builder seed(InetSocketAddress node) {
      seeds.add(Objects.requireNonNull(node, "node"));
      return this;
    }

    /** Adds one node to start from; the host name is resolved when connecting. */
    public Builder seed(String host, int port) {
      return seed(InetSocketAddress.createUnresolved(host, port));
    }

    /** How long one attempt (connect, send, answer) may take. Default 2 s. */
    public Builder requestTimeoutMs(long ms) {
      this.requestTimeoutMs = ms;
      return this;
    }

    /** How long a whole call may take, retries and backoff included. Default 15 s. */
    public Builder operationTimeoutMs(long ms) {
      this.operationTimeoutMs = ms;
      return this;
    }

    /** How many leader hints one call follows before falling back to round-robin. Default 3. */
    public Builder redirectsMax(int redirects) {
      this.redirectsMax = redirects;
      return this;
    }

    /** Retry delays: exponential from {@code initialMs} up to {@code maxMs}, jittered. */
    public Builder backoff(long initialMs, long maxMs, RetryJitter jitter) {
      this.backoffInitialMs = initialMs;
      this.backoffMaxMs = maxMs;
      this.jitter = jitter;
      return this;
    }

    /** The largest frame length sent or accepted. Default 1 MiB. */
    public Builder frameBytesMax(int bytes) {
      this.frameBytesMax = bytes;
      return this;
    }

    /** Network threads. Default 1, plenty for pipelined small messages. */
    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    /**
     * Attempts of one try sent to a participant endpoint, the first included. Default 3: a try is
     * on the transaction's critical path, and a participant that keeps failing should be
     * cancelled, not waited for.
     */
    public Builder tryAttemptsMax(int attempts) {
      this.tryAttemptsMax = attempts;
      return this;
    }

    /**
     * Where participant {@code participant}'s endpoint listens, for the tries of {@link
     * TccTransaction}. A later call for the same participant replaces the address.
     */
    public Builder participantEndpoint(String participant, InetSocketAddress endpoint) {
      participantEndpoints.put(Branch.requireText(participant, "participant"),
          Objects.requireNonNull(endpoint, "endpoint"));
      return this;
    }

    /**
     * Where futures complete (and so where callbacks chained without an executor run). Default: a
     * pool of two daemon threads owned by the client. A direct executor would run callbacks on
     * network threads: don't.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * TLS on every connection this client opens, to nodes and to participant endpoints (tries):
     * the peer's certificate must lead to a CA of {@code settings}' trust certificates and name
     * the host dialled; this client presents its own certificate when {@code settings} has one
     * (required by nodes with {@code tls.clientAuth=require}, and by TLS participant endpoints).
     * Default: plaintext.
     */
    public Builder tls(TlsSettings settings) {
      this.tls = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Where to record the client's metrics. Default: none. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * A client with these settings; it connects lazily, on the first call.
     *
     * @throws IllegalArgumentException when a setting is out of range, or the TLS settings make
     *     no context
     */
    public TccClient build() {
      ClientConfig config = new ClientConfig(seeds, requestTimeoutMs, operationTimeoutMs,
          redirectsMax, backoffInitialMs, backoffMaxMs, jitter, frameBytesMax, ioThreads,
          tryAttemptsMax, participantEndpoints, tls == null ? null : ClientTls.of(tls));
      return new TccClient(config, callbackExecutor, meterRegistry);
    }
  }
}
