package dev.sequent.client;

import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.TryReply;
import dev.sequent.protocol.proto.TryRequest;
import dev.sequent.protocol.wire.Envelope;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One try sent straight to a participant endpoint, retried a bounded number of times.
 *
 * <p>Unlike {@link InitiatorCall} there is no leader to follow: the endpoint is the only place the
 * try can run. What is retried: a connection that failed or closed, no reply in time, and transient
 * outcomes (the endpoint is overloaded or shutting down). A retry is safe even when the first copy
 * ran, because the participant's fence answers a duplicate try with the first answer. After
 * {@code tryAttemptsMax} attempts, or when the operation timeout runs out, the future fails with a
 * {@link TccClientException}; the initiator should then cancel, which the fence also makes safe.
 */
final class TryCall {
  private static final Logger log = LoggerFactory.getLogger(TryCall.class);

  private final CallEnv env;
  private final InetSocketAddress endpoint;
  private final TryRequest request;
  private final long startNs;
  private final long deadlineNs;
  private final CompletableFuture<TryResult> result = new CompletableFuture<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final List<String> reasons = new ArrayList<>();
  private volatile Outcome lastOutcome;
  private volatile int attempts;

  TryCall(CallEnv env, InetSocketAddress endpoint, TryRequest request) {
    this.env = env;
    this.endpoint = NodeDirectory.normalize(endpoint);
    this.request = request;
    this.startNs = System.nanoTime();
    this.deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(env.config().operationTimeoutMs());
  }

  /** Completes with the participant's answer, or exceptionally with a TccClientException. */
  CompletableFuture<TryResult> result() {
    return result;
  }

  void start() {
    attempt();
  }

  /** Gives up now, from any thread; a no-op when the call already ended. */
  void abort(String why) {
    fail(why);
  }

  private void attempt() {
    try {
      if (ended.get()) {
        return;
      }
      if (env.closed().get()) {
        fail("the client was closed");
        return;
      }
      long remainingMs = remainingMs();
      if (remainingMs <= 0) {
        fail("operationTimeoutMs " + env.config().operationTimeoutMs() + " elapsed");
        return;
      }
      attempts++;
      Envelope envelope =
          new Envelope(MessageType.TRY_REQUEST, env.requestIds().incrementAndGet(), request);
      long timeoutMs = Math.min(env.config().requestTimeoutMs(), remainingMs);
      env.connections().send(endpoint, envelope, timeoutMs)
          .whenComplete((reply, failure) -> onAnswer(reply, failure));
    } catch (RejectedExecutionException e) {
      fail("the client was closed");
    } catch (RuntimeException e) {
      log.error("{} failed inside the client", describe(), e);
      fail("internal client error: " + e);
    }
  }

  private void onAnswer(Envelope reply, Throwable failure) {
    String attempt = "attempt " + attempts + " to " + NodeDirectory.describe(endpoint) + ": ";
    if (failure != null) {
      AttemptFailure why = AttemptFailure.of(failure);
      if (why.kind() == AttemptFailure.Kind.REFUSED) {
        // Refused before the try was served: the same credentials get the same answer.
        note(attempt + why.getMessage());
        lastOutcome = why.outcome();
        fail("the endpoint refused this client's credentials (TLS)");
        return;
      }
      retryOrFail(attempt + why.getMessage(), why.kind().tag);
      return;
    }
    Outcome outcome;
    String message;
    if (reply.type() == MessageType.TRY_REPLY) {
      TryReply tryReply = (TryReply) reply.message();
      outcome = Outcome.fromCode(tryReply.getOutcome());
      message = tryReply.getMessage();
    } else if (reply.type() == MessageType.ERROR_REPLY) {
      ErrorReply error = (ErrorReply) reply.message();
      outcome = Outcome.fromCode(error.getOutcome());
      message = error.getMessage();
    } else {
      retryOrFail(attempt + "unexpected " + reply.type(), "bad_reply");
      return;
    }
    lastOutcome = outcome;
    if (outcome.isTransient()) {
      retryOrFail(attempt + outcome + ": " + message, outcome.name());
      return;
    }
    note(attempt + outcome);
    finish(new TryResult(outcome, message));
  }

  private void retryOrFail(String reason, String retryTag) {
    note(reason);
    int attemptsMax = env.config().tryAttemptsMax();
    if (attempts >= attemptsMax) {
      fail("tryAttemptsMax " + attemptsMax + " reached");
      return;
    }
    env.metrics().retried(MessageType.TRY_REQUEST, retryTag);
    long delayMs = Math.min(env.backoff().delayMs(attempts, ThreadLocalRandom.current()),
        Math.max(0, remainingMs()));
    try {
      env.scheduler().schedule(this::attempt, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      fail("the client was closed");
    }
  }

  private void finish(TryResult answer) {
    if (ended.compareAndSet(false, true)) {
      env.metrics().finished(MessageType.TRY_REQUEST, answer.outcome().name(),
          System.nanoTime() - startNs);
      result.complete(answer);
    }
  }

  private void fail(String why) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    List<String> lines;
    synchronized (reasons) {
      lines = List.copyOf(reasons);
    }
    int made = attempts;
    String message = describe() + " gave up after " + made
        + (made == 1 ? " attempt: " : " attempts: ") + why
        + (lines.isEmpty() ? "" : "; last attempt: " + lines.get(lines.size() - 1))
        + ". The try may have run; a retry or a cancel of the branch is safe (the participant's"
        + " fence makes both idempotent).";
    env.metrics().finished(MessageType.TRY_REQUEST, ClientMetrics.GAVE_UP,
        System.nanoTime() - startNs);
    result.completeExceptionally(new TccClientException(message, lastOutcome, lines, made));
  }

  private void note(String reason) {
    log.debug("{}: {}", describe(), reason);
    synchronized (reasons) {
      if (reasons.size() == InitiatorCall.REASONS_MAX) {
        reasons.remove(0);
      }
      reasons.add(reason);
    }
  }

  private long remainingMs() {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
  }

  private String describe() {
    return "try xid=" + request.getXid() + " branch=" + request.getBranchId() + " participant="
        + request.getParticipant();
  }
}
