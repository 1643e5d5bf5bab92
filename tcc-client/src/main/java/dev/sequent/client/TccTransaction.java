package dev.sequent.client;

import dev.sequent.protocol.Outcome;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A whole TCC transaction run by the initiator: collect branches, then {@link #execute()}.
 *
 * <p>Execute takes the short critical path of DESIGN.md: one begin that registers every branch in
 * the same log command, the tries of all branches in parallel (each sent straight to its
 * participant's endpoint, as configured with {@link TccClient.Builder#participantEndpoint}), then
 * one decision: CONFIRM when every try answered OK, CANCEL otherwise. Phase two then runs in the
 * background, driven by the cluster; the result says which decision was taken.
 *
 * <pre>{@code
 * TransactionResult result = client.transaction(10_000)
 *     .branch("debit", "accounts-a", debit)
 *     .branch("credit", "accounts-b", credit)
 *     .execute().get(30, TimeUnit.SECONDS);
 * }</pre>
 *
 * <p>Not thread-safe while branches are added; execute runs once.
 */
public final class TccTransaction {
  private final TccClient client;
  private final String xid;
  private final long timeoutMs;
  private final Map<String, InetSocketAddress> endpoints;
  private final List<Branch> branches = new ArrayList<>();
  private final AtomicBoolean executed = new AtomicBoolean();

  TccTransaction(TccClient client, String xid, long timeoutMs,
      Map<String, InetSocketAddress> endpoints) {
    this.client = client;
    this.xid = Branch.requireText(xid, "xid");
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeoutMs must be positive, was " + timeoutMs);
    }
    this.timeoutMs = timeoutMs;
    this.endpoints = endpoints;
  }

  /** The transaction id. */
  public String xid() {
    return xid;
  }

  /**
   * Adds a branch. Its participant must have an endpoint configured on the client.
   *
   * @throws IllegalArgumentException when the participant has no endpoint, or the branch id is
   *     already used in this transaction
   * @throws IllegalStateException after {@link #execute()}
   */
  public TccTransaction branch(String branchId, String participant, byte[] payload) {
    if (executed.get()) {
      throw new IllegalStateException("transaction " + xid + " was already executed");
    }
    Branch branch = new Branch(branchId, participant, payload);
    if (!endpoints.containsKey(participant)) {
      throw new IllegalArgumentException("no endpoint configured for participant " + participant
          + ": set it with TccClient.Builder.participantEndpoint");
    }
    for (Branch added : branches) {
      if (added.branchId().equals(branchId)) {
        throw new IllegalArgumentException("branch id " + branchId + " is already used");
      }
    }
    branches.add(branch);
    return this;
  }

  /**
   * Begins, tries every branch in parallel, and decides. The future fails with a {@link
   * TccClientException} only when the client gave up on begin or on the decision (then the
   * cluster's deadline cancels a transaction that is still TRYING); a try that could not reach its
   * participant counts as a failed try, so the transaction is cancelled.
   *
   * @throws IllegalStateException when called twice or without branches
   */
  public CompletableFuture<TransactionResult> execute() {
    if (branches.isEmpty()) {
      throw new IllegalStateException("a transaction needs at least one branch");
    }
    if (!executed.compareAndSet(false, true)) {
      throw new IllegalStateException("transaction " + xid + " was already executed");
    }
    List<Branch> fixed = List.copyOf(branches);
    return client.begin(xid, timeoutMs, fixed).thenCompose(begun -> begun.isOk()
        ? tryAllThenDecide(begun, fixed)
        : CompletableFuture.completedFuture(
            new TransactionResult(xid, begun, Map.of(), null, null)));
  }

  private CompletableFuture<TransactionResult> tryAllThenDecide(TxnResult begun,
      List<Branch> fixed) {
    List<CompletableFuture<TryResult>> tries = new ArrayList<>(fixed.size());
    for (Branch branch : fixed) {
      tries.add(client.tryBranch(endpoints.get(branch.participant()), xid, branch)
          .handle(TccTransaction::orGaveUp));
    }
    return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new)).thenCompose(all -> {
      Map<String, TryResult> answers = new LinkedHashMap<>();
      boolean allOk = true;
      for (int i = 0; i < fixed.size(); i++) {
        TryResult answer = tries.get(i).join();
        answers.put(fixed.get(i).branchId(), answer);
        allOk &= answer.isOk();
      }
      Decision decision = allOk ? Decision.CONFIRM : Decision.CANCEL;
      return client.decide(xid, decision).thenApply(decided ->
          new TransactionResult(xid, begun, answers, decision, decided));
    });
  }

  /** A try the client gave up on is a failed try: the transaction must cancel. */
  private static TryResult orGaveUp(TryResult answer, Throwable failure) {
    if (failure == null) {
      return Objects.requireNonNull(answer, "answer");
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return new TryResult(Outcome.UNAVAILABLE, String.valueOf(cause.getMessage()));
  }
}
