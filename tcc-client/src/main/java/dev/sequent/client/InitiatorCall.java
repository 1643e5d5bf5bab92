package dev.sequent.client;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.wire.Envelope;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One initiator request followed to its answer: attempts, leader redirects, backoff, giving up.
 *
 * <p>Modelled on OkHttp's RetryAndFollowUpInterceptor: after each attempt {@link #followUp} decides
 * the next step through early-return guards, each saying why in one line; redirects are capped.
 * Attempts run one after another (each starts when the previous one ended or its backoff elapsed),
 * so the step state needs no lock; {@link #abort} may come from any thread and only completes the
 * future.
 *
 * <p>Each attempt gets a fresh request id, so a late reply to an abandoned attempt can never be
 * taken for the answer to a later one.
 */
final class InitiatorCall {
  private static final Logger log = LoggerFactory.getLogger(InitiatorCall.class);

  /** Attempt lines kept for the exception; older ones are dropped and counted. */
  static final int REASONS_MAX = 32;

  private enum Step { FINISH, REDIRECT, RETRY, GIVE_UP }

  /** The decision after one attempt. */
  private record FollowUp(Step step, InetSocketAddress node, Answer result, String reason,
      String retryTag) {
    static FollowUp finish(Answer result, String reason) {
      return new FollowUp(Step.FINISH, null, result, reason, null);
    }

    static FollowUp redirect(InetSocketAddress node, String reason) {
      return new FollowUp(Step.REDIRECT, node, null, reason, null);
    }

    static FollowUp retry(InetSocketAddress node, String reason, String retryTag) {
      return new FollowUp(Step.RETRY, node, null, reason, retryTag);
    }

    static FollowUp giveUp(String reason) {
      return new FollowUp(Step.GIVE_UP, null, null, reason, null);
    }
  }

  private final CallEnv env;
  private final MessageType type;
  /** What the call is about, for logs: {@code xid=...} or {@code participant=...}. */
  private final String subject;
  private final MessageLite request;
  private final long operationTimeoutMs;
  private final long attemptTimeoutMs;
  private final long startNs;
  private final long deadlineNs;
  private final CompletableFuture<Answer> result = new CompletableFuture<>();
  /** Won by whoever ends the call, so its metric is recorded once and before anyone is told. */
  private final AtomicBoolean ended = new AtomicBoolean();
  private final Deque<String> reasons = new ArrayDeque<>();
  private volatile Outcome lastOutcome;
  private volatile int attempts;
  /** False while every attempt failed to connect: then nothing can have been applied. */
  private volatile boolean maybeDelivered;
  /** True while an attempt is out: it may have reached its node. */
  private volatile boolean attemptOut;
  private int redirects;
  private int retries;

  InitiatorCall(CallEnv env, MessageType type, String subject, MessageLite request) {
    this(env, type, subject, request, env.config().operationTimeoutMs(),
        env.config().requestTimeoutMs());
  }

  /**
   * A call with its own timeouts, for requests whose answer takes long by nature (a membership
   * change waits for a new node to catch up): an attempt may then take as long as the whole call.
   */
  InitiatorCall(CallEnv env, MessageType type, String subject, MessageLite request,
      long operationTimeoutMs, long attemptTimeoutMs) {
    this.env = env;
    this.type = type;
    this.subject = subject;
    this.request = request;
    this.operationTimeoutMs = operationTimeoutMs;
    this.attemptTimeoutMs = attemptTimeoutMs;
    this.startNs = System.nanoTime();
    this.deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(operationTimeoutMs);
  }

  /** Completes with the answer, or exceptionally with a {@link TccClientException}. */
  CompletableFuture<Answer> result() {
    return result;
  }

  void start() {
    attempt(env.directory().leader());
  }

  /** Answers locally without sending anything (a request this client can tell is refused). */
  void finishLocally(Answer answer) {
    finish(answer);
  }

  /** Gives up now, from any thread; a no-op when the call already ended. */
  void abort(String why) {
    fail(why);
  }

  private void attempt(InetSocketAddress node) {
    try {
      if (ended.get()) {
        return; // aborted: the client closed or the caller cancelled
      }
      if (env.closed().get()) {
        fail("the client was closed");
        return;
      }
      long remainingMs = remainingMs();
      if (remainingMs <= 0) {
        fail("operationTimeoutMs " + operationTimeoutMs + " elapsed");
        return;
      }
      attempts++;
      Envelope envelope = new Envelope(type, env.requestIds().incrementAndGet(), request);
      long timeoutMs = Math.min(attemptTimeoutMs, remainingMs);
      attemptOut = true;
      env.connections().send(node, envelope, timeoutMs)
          .whenComplete((reply, failure) -> onAnswer(node, reply, failure));
    } catch (RejectedExecutionException e) {
      attemptOut = false; // the event loops are gone: nothing was sent
      fail("the client was closed");
    } catch (RuntimeException e) {
      // A bug here must not leave the caller waiting for a future nobody completes.
      log.error("{} failed inside the client", describeCall(), e);
      fail("internal client error: " + e);
    }
  }

  private void onAnswer(InetSocketAddress node, Envelope reply, Throwable failure) {
    try {
      FollowUp next = followUp(node, reply, failure);
      attemptOut = false;
      note(next.reason());
      switch (next.step()) {
        case FINISH:
          finish(next.result());
          break;
        case REDIRECT:
          env.metrics().redirected(type);
          attempt(next.node());
          break;
        case RETRY:
          scheduleRetry(next.node(), next.retryTag());
          break;
        case GIVE_UP:
          fail("the node refused this client's credentials (TLS), and every node of a cluster"
              + " answers them the same");
          break;
        default:
          throw new AssertionError("unknown step " + next.step());
      }
    } catch (RuntimeException e) {
      log.error("{} failed inside the client", describeCall(), e);
      fail("internal client error: " + e);
    }
  }

  /** What to do after one attempt. Each guard returns early and says why in one line. */
  private FollowUp followUp(InetSocketAddress node, Envelope reply, Throwable failure) {
    String attempt = "attempt " + attempts + " to " + NodeDirectory.describe(node) + ": ";
    if (failure != null) {
      // Down, unreachable or silent: the leader may well be another node by now.
      AttemptFailure why = AttemptFailure.of(failure);
      if (why.kind() == AttemptFailure.Kind.REFUSED) {
        // Refused before any request was served: the same credentials get the same answer.
        lastOutcome = why.outcome();
        return FollowUp.giveUp(attempt + why.getMessage());
      }
      maybeDelivered |= why.kind() != AttemptFailure.Kind.CONNECT_FAILED;
      return FollowUp.retry(after(node), attempt + why.getMessage(), why.kind().tag);
    }
    maybeDelivered = true;
    Answer answer = Answer.of(reply);
    if (answer == null) {
      // Not an answer to an initiator request at all: a broken node, so ask another.
      return FollowUp.retry(after(node), attempt + "unexpected " + reply.type(), "bad_reply");
    }
    lastOutcome = answer.outcome();
    String why = attempt + answer.describe();
    if (!answer.outcome().isTransient()) {
      // OK or a refusal about the transaction: every retry would get the same, so it is final.
      // Only the leader answers with these; an ErrorReply or a page may come from any node.
      if (reply.type() == MessageType.TXN_REPLY || reply.type() == MessageType.SIMPLE_REPLY
          || reply.type() == MessageType.MEMBERSHIP_REPLY) {
        env.directory().leaderIs(node);
      }
      return FollowUp.finish(answer, why);
    }
    if (answer.outcome() == Outcome.SHUTTING_DOWN) {
      // This node is going away; another one will serve (or name the new leader).
      return FollowUp.retry(after(node), why, answer.outcome().name());
    }
    if (answer.outcome() != Outcome.NOT_LEADER) {
      // The leader is there but cannot serve now (overload, no quorum, commit timeout): ask again.
      return FollowUp.retry(node, why, answer.outcome().name());
    }
    if (!answer.hasLeaderHint()) {
      // A follower that does not know the leader: an election is running, so wait, then ask around.
      return FollowUp.retry(after(node), why, answer.outcome().name());
    }
    int redirectsMax = env.config().redirectsMax();
    if (redirects >= redirectsMax) {
      // Hints that go round in circles must not spin: capped, then round-robin with backoff.
      return FollowUp.retry(after(node),
          why + "; redirect limit " + redirectsMax + " reached", answer.outcome().name());
    }
    InetSocketAddress hinted = env.directory().learn(answer.leaderHost(), answer.leaderPort());
    if (hinted == null) {
      // Far more addresses than a cluster has nodes: stop believing hints.
      return FollowUp.retry(after(node), why + "; hint ignored, too many node addresses known",
          answer.outcome().name());
    }
    if (hinted.equals(node)) {
      // A node naming itself while refusing: its view is stale, so ask another.
      return FollowUp.retry(after(node), why + "; hint names the same node",
          answer.outcome().name());
    }
    redirects++;
    env.directory().leaderIs(hinted);
    return FollowUp.redirect(hinted, why + "; redirect " + redirects + "/" + redirectsMax);
  }

  private InetSocketAddress after(InetSocketAddress node) {
    return env.directory().after(node);
  }

  private void scheduleRetry(InetSocketAddress node, String retryTag) {
    retries++;
    env.metrics().retried(type, retryTag);
    long delayMs = Math.min(env.backoff().delayMs(retries, ThreadLocalRandom.current()),
        Math.max(0, remainingMs()));
    log.debug("{}: retry {} to {} in {} ms", describeCall(), retries,
        NodeDirectory.describe(node), delayMs);
    try {
      env.scheduler().schedule(() -> attempt(node), delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      fail("the client was closed");
    }
  }

  private void finish(Answer answer) {
    if (ended.compareAndSet(false, true)) {
      env.metrics().finished(type, answer.outcome().name(), System.nanoTime() - startNs);
      result.complete(answer);
    }
  }

  private void fail(String why) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    List<String> lines = attemptLines();
    int made = attempts;
    Outcome last = lastOutcome;
    StringBuilder message = new StringBuilder(describeCall()).append(" gave up after ")
        .append(made).append(made == 1 ? " attempt: " : " attempts: ").append(why);
    if (last != null) {
      message.append("; last outcome ").append(last);
    }
    if (!lines.isEmpty()) {
      message.append("; last attempt: ").append(lines.get(lines.size() - 1));
    }
    message.append(". ").append(consequence());
    env.metrics().finished(type, ClientMetrics.GAVE_UP, System.nanoTime() - startNs);
    result.completeExceptionally(new TccClientException(message.toString(), last, lines, made));
  }

  /** Honesty about what giving up means for the transaction. */
  private String consequence() {
    // Read in this order: an attempt that ends updates maybeDelivered before clearing attemptOut.
    boolean out = attemptOut;
    if (!out && !maybeDelivered) {
      return "The request reached no node, so it was not applied.";
    }
    switch (type) {
      case STATUS_REQUEST, LIST_TXNS_REQUEST, LIST_NEEDS_OPERATOR_REQUEST:
        return "A read changes nothing; ask again.";
      case REPLACE_MEMBER_REQUEST:
        return "The change may have been applied; repeating it is safe (the node status shows"
            + " the members).";
      default:
        return "The request may have been applied; retrying with the same xid is safe.";
    }
  }

  private void note(String reason) {
    log.debug("{}: {}", describeCall(), reason);
    synchronized (reasons) {
      if (reasons.size() == REASONS_MAX) {
        reasons.removeFirst();
      }
      reasons.addLast(reason);
    }
  }

  private List<String> attemptLines() {
    synchronized (reasons) {
      return new ArrayList<>(reasons);
    }
  }

  private long remainingMs() {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
  }

  private String describeCall() {
    return ClientMetrics.tag(type) + " " + subject;
  }
}
