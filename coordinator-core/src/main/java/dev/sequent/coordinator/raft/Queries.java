package dev.sequent.coordinator.raft;

import dev.sequent.coordinator.log.LogEntryCodec;
import dev.sequent.coordinator.table.BranchState;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.coordinator.table.TxnView;
import dev.sequent.protocol.Outcome;
import dev.sequent.storage.StateReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Read-only requests to the state machine, carried through Ratis's read path (read index, so they
 * are linearizable). Format: {@code [u8 format = 1][u8 kind][body]}; the reply uses the log reply
 * format of {@link LogEntryCodec#encodeResults}, so readers and writers decode answers one way.
 *
 * <p>Kinds and bodies (integers big-endian, strings UTF-8 to the end of the query):
 *
 * <ul>
 *   <li>1, status: {@code xid}. Reply: one result, the txn or TXN_NOT_FOUND.
 *   <li>2, list txns: {@code [u8 state code, 0 = any][u32 limit][u32 scanMax][after xid]}. Reply:
 *       a header result whose detail is the next page's xid ("" at the end), then one result per
 *       txn.
 *   <li>3, calls needing an operator: {@code [u64 after seq][u32 limit][u32 scanMax][after
 *       participant]}. Reply: a header result whose detail is the next position, {@code
 *       seq:participant} ("" at the end), then per call a result with its txn and, as detail, its
 *       branch id (the branch view holds participant, seq and state; the txn, the decision).
 * </ul>
 *
 * <p>Callers check arguments before they submit a query (limits in range): a query that fails on
 * the state machine surfaces as an unavailable read, not as a refusal the caller can explain.
 */
public final class Queries {
  private static final byte FORMAT = 1;
  private static final byte STATUS = 1;
  private static final byte LIST_TXNS = 2;
  private static final byte NEEDS_OPERATOR = 3;

  private Queries() {}

  /** A query for the state of one transaction. */
  public static byte[] status(String xid) {
    byte[] id = xid.getBytes(StandardCharsets.UTF_8);
    byte[] query = new byte[2 + id.length];
    query[0] = FORMAT;
    query[1] = STATUS;
    System.arraycopy(id, 0, query, 2, id.length);
    return query;
  }

  /**
   * A query for a page of txns ({@link TransactionTable#listPage}).
   *
   * @param stateOrNull only txns in this state, or every state when null
   * @param afterXidOrNull the previous page's token, or null for the first page
   */
  public static byte[] listTxns(TxnState stateOrNull, String afterXidOrNull, int limit,
      int scanMax) {
    byte[] after = afterXidOrNull == null
        ? new byte[0]
        : afterXidOrNull.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + 1 + 4 + 4 + after.length)
        .put(FORMAT).put(LIST_TXNS)
        .put((byte) (stateOrNull == null ? 0 : stateOrNull.code()))
        .putInt(limit).putInt(scanMax).put(after)
        .array();
  }

  /** A query for a page of calls needing an operator ({@link TransactionTable#needsOperator}). */
  public static byte[] needsOperator(String afterParticipantOrNull, long afterSeq, int limit,
      int scanMax) {
    byte[] after = afterParticipantOrNull == null
        ? new byte[0]
        : afterParticipantOrNull.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + 8 + 4 + 4 + after.length)
        .put(FORMAT).put(NEEDS_OPERATOR)
        .putLong(afterSeq).putInt(limit).putInt(scanMax).put(after)
        .array();
  }

  static byte[] answer(TransactionTable table, StateReader state, byte[] query) {
    if (query.length < 2 || query[0] != FORMAT) {
      throw new IllegalArgumentException("unknown query format");
    }
    return switch (query[1]) {
      case STATUS -> answerStatus(table, state, query);
      case LIST_TXNS -> answerListTxns(table, state, query);
      case NEEDS_OPERATOR -> answerNeedsOperator(table, state, query);
      default -> throw new IllegalArgumentException("unknown query kind " + query[1]);
    };
  }

  private static byte[] answerStatus(TransactionTable table, StateReader state, byte[] query) {
    String xid = new String(Arrays.copyOfRange(query, 2, query.length), StandardCharsets.UTF_8);
    TxnView txn = table.find(state, xid);
    CommandResult result = txn == null
        ? new CommandResult(Outcome.TXN_NOT_FOUND, null, "no transaction " + xid)
        : new CommandResult(Outcome.OK, txn, "");
    return LogEntryCodec.encodeResults(List.of(result));
  }

  private static byte[] answerListTxns(TransactionTable table, StateReader state, byte[] query) {
    ByteBuffer body = ByteBuffer.wrap(query, 2, query.length - 2);
    int stateCode = body.get();
    TxnState filter = stateCode == 0 ? null : TxnState.fromCode(stateCode);
    int limit = body.getInt();
    int scanMax = body.getInt();
    String after = restAsString(body);
    TransactionTable.TxnPage page =
        table.listPage(state, filter, after.isEmpty() ? null : after, limit, scanMax);
    List<CommandResult> results = new ArrayList<>(1 + page.txns().size());
    results.add(new CommandResult(Outcome.OK, null,
        page.nextAfterXid() == null ? "" : page.nextAfterXid()));
    for (TxnView txn : page.txns()) {
      results.add(new CommandResult(Outcome.OK, txn, ""));
    }
    return LogEntryCodec.encodeResults(results);
  }

  private static byte[] answerNeedsOperator(
      TransactionTable table, StateReader state, byte[] query) {
    ByteBuffer body = ByteBuffer.wrap(query, 2, query.length - 2);
    long afterSeq = body.getLong();
    int limit = body.getInt();
    int scanMax = body.getInt();
    String after = restAsString(body);
    TransactionTable.CallPage page =
        table.needsOperator(state, after.isEmpty() ? null : after, afterSeq, limit, scanMax);
    List<CommandResult> results = new ArrayList<>(1 + page.calls().size());
    results.add(new CommandResult(Outcome.OK, null, page.nextParticipant() == null
        ? ""
        : page.nextSeq() + ":" + page.nextParticipant()));
    for (Phase2Record call : page.calls()) {
      TxnView txn = table.find(state, call.xid());
      results.add(new CommandResult(Outcome.OK, txn, call.branchId()));
    }
    return LogEntryCodec.encodeResults(results);
  }

  private static String restAsString(ByteBuffer body) {
    byte[] rest = new byte[body.remaining()];
    body.get(rest);
    return new String(rest, StandardCharsets.UTF_8);
  }

  /** A decoded reply to {@link #listTxns}. */
  public static TransactionTable.TxnPage decodeTxnPage(byte[] reply) {
    List<CommandResult> results = LogEntryCodec.decodeResults(reply);
    String next = header(results).detail();
    List<TxnView> txns = new ArrayList<>(results.size() - 1);
    for (CommandResult result : results.subList(1, results.size())) {
      txns.add(Objects.requireNonNull(result.txn(), "a listed txn without its view"));
    }
    return new TransactionTable.TxnPage(txns, next.isEmpty() ? null : next);
  }

  /** One call needing an operator, as the read side reports it (no payload). */
  public record OperatorCall(
      String participant, long seq, String xid, String branchId, Decision decision) {}

  /**
   * A decoded reply to {@link #needsOperator}.
   *
   * @param nextParticipant where the next page starts, with nextSeq; null at the end
   */
  public record OperatorCallPage(List<OperatorCall> calls, String nextParticipant, long nextSeq) {
    public OperatorCallPage {
      calls = List.copyOf(calls);
    }
  }

  /** A decoded reply to {@link #needsOperator}. */
  public static OperatorCallPage decodeOperatorCallPage(byte[] reply) {
    List<CommandResult> results = LogEntryCodec.decodeResults(reply);
    String next = header(results).detail();
    List<OperatorCall> calls = new ArrayList<>(results.size() - 1);
    for (CommandResult result : results.subList(1, results.size())) {
      calls.add(operatorCall(result.txn(), result.detail()));
    }
    if (next.isEmpty()) {
      return new OperatorCallPage(calls, null, 0);
    }
    int colon = next.indexOf(':');
    return new OperatorCallPage(calls, next.substring(colon + 1),
        Long.parseLong(next.substring(0, colon)));
  }

  private static OperatorCall operatorCall(TxnView txn, String branchId) {
    Objects.requireNonNull(txn, "a call needing an operator without its txn");
    for (BranchView branch : txn.branches()) {
      if (branch.branchId().equals(branchId)) {
        if (branch.state() != BranchState.NEEDS_OPERATOR) {
          throw new IllegalStateException("listed call " + txn.xid() + "/" + branchId + " is "
              + branch.state());
        }
        return new OperatorCall(branch.participant(), branch.seq(), txn.xid(), branchId,
            txn.decision());
      }
    }
    throw new IllegalStateException("txn " + txn.xid() + " has no branch " + branchId);
  }

  private static CommandResult header(List<CommandResult> results) {
    if (results.isEmpty() || results.get(0).txn() != null) {
      throw new IllegalStateException("a page reply without its header");
    }
    return results.get(0);
  }
}
