package dev.sequent.examples.bank;

import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.client.TransactionResult;
import dev.sequent.client.TryResult;
import dev.sequent.examples.bank.TransferResult.Status;
import dev.sequent.protocol.Outcome;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The initiator: moves money from an account of one bank to an account of another with one TCC
 * transaction. {@link TccClient#transaction} does the protocol: begin with both branches in one
 * log command, both tries in parallel (straight to the banks), then CONFIRM when both said yes and
 * CANCEL otherwise; phase two then runs in the background, driven by the cluster.
 */
public final class TransferService {
  public static final String DEBIT_BRANCH = "debit";
  public static final String CREDIT_BRANCH = "credit";

  private final TccClient client;
  private final Function<String, String> bankOfAccount;
  private final long txnTimeoutMs;

  /**
   * @param client a client whose builder was given every bank's participant endpoint
   * @param bankOfAccount the participant id of the bank that holds an account
   * @param txnTimeoutMs how long a transfer may stay undecided before the cluster cancels it
   */
  public TransferService(TccClient client, Function<String, String> bankOfAccount,
      long txnTimeoutMs) {
    this.client = Objects.requireNonNull(client, "client");
    this.bankOfAccount = Objects.requireNonNull(bankOfAccount, "bankOfAccount");
    this.txnTimeoutMs = txnTimeoutMs;
  }

  /** Moves {@code amount} from {@code from} to {@code to}, as transaction {@code xid}. */
  public CompletableFuture<TransferResult> transfer(String xid, String from, String to,
      long amount) {
    return client.transaction(xid, txnTimeoutMs)
        .branch(DEBIT_BRANCH, bankOfAccount.apply(from), Leg.debit(from, amount).toBytes())
        .branch(CREDIT_BRANCH, bankOfAccount.apply(to), Leg.credit(to, amount).toBytes())
        .execute()
        .handle((result, failure) -> failure != null
            ? new TransferResult(xid, Status.FAILED, String.valueOf(failure.getMessage()))
            : classify(result));
  }

  /** Turns the protocol's answer into the business's. */
  static TransferResult classify(TransactionResult result) {
    String xid = result.xid();
    if (result.confirmed()) {
      return new TransferResult(xid, Status.CONFIRMED, "");
    }
    if (!result.begun().isOk()) {
      return new TransferResult(xid, Status.FAILED, "begin refused: " + result.begun().outcome()
          + " " + result.begun().message());
    }
    if (result.decision() == Decision.CONFIRM) {
      // Every try said yes, but the cluster had already cancelled the txn at its deadline.
      return result.decided().outcome() == Outcome.DECISION_CONFLICT
          ? new TransferResult(xid, Status.EXPIRED, result.decided().message())
          : new TransferResult(xid, Status.FAILED, "confirm answered "
              + result.decided().outcome() + " " + result.decided().message());
    }
    for (Map.Entry<String, TryResult> tried : result.tries().entrySet()) {
      TryResult answer = tried.getValue();
      if (!answer.isOk()) {
        Status status = answer.message().startsWith(
            InsufficientFundsException.class.getSimpleName()) ? Status.INSUFFICIENT_FUNDS
            : Status.REFUSED;
        return new TransferResult(xid, status, tried.getKey() + ": " + answer.message());
      }
    }
    return new TransferResult(xid, Status.REFUSED, "cancelled");
  }
}
