package dev.sequent.client.participant;

import dev.sequent.client.participant.BranchContext.Phase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A resource that records every invocation and, when its fence gives it a connection, writes one
 * ledger row per effect through it (the business change). It can be told to fail after writing,
 * which is the case the JDBC fence must roll back whole.
 */
final class RecordingResource implements TccResource {

  /** One invocation; {@code threw} when the injected failure fired. */
  record Call(Phase phase, String xid, String branchId, long seq, long term, boolean tryFailed,
      boolean threw) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Predicate<BranchContext> failAfterWrite = context -> false;
  private volatile long tryDelayMs;

  /** From now on, invocations matching {@code when} write their effect and then throw. */
  RecordingResource failAfterWrite(Predicate<BranchContext> when) {
    this.failAfterWrite = when;
    return this;
  }

  /** Tries sleep this long after writing, to widen race windows. */
  RecordingResource tryDelayMs(long ms) {
    this.tryDelayMs = ms;
    return this;
  }

  @Override
  public void onTry(BranchContext branch) throws Exception {
    act(branch);
    if (tryDelayMs > 0) {
      Thread.sleep(tryDelayMs);
    }
  }

  @Override
  public void onConfirm(BranchContext branch) throws Exception {
    act(branch);
  }

  @Override
  public void onCancel(BranchContext branch) throws Exception {
    act(branch);
  }

  private void act(BranchContext branch) throws Exception {
    if (branch.connection().isPresent()) {
      write(branch.connection().get(), branch);
    }
    boolean fail = failAfterWrite.test(branch);
    calls.add(new Call(branch.phase(), branch.xid(), branch.branchId(), branch.seq(),
        branch.term(), branch.tryFailed(), fail));
    if (fail) {
      throw new IllegalStateException("injected failure after the business change");
    }
  }

  private static void write(Connection connection, BranchContext branch) throws Exception {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger"
        + " (participant, xid, branch_id, step, seq, try_failed) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, branch.participant());
      insert.setString(2, branch.xid());
      insert.setString(3, branch.branchId());
      insert.setString(4, branch.phase().name());
      insert.setLong(5, branch.seq());
      insert.setBoolean(6, branch.tryFailed());
      insert.executeUpdate();
    }
  }

  /** The invocations of one phase that returned normally. */
  List<Call> succeeded(Phase phase) {
    return calls.stream().filter(call -> call.phase() == phase && !call.threw())
        .collect(Collectors.toList());
  }

  /** The seqs of phase-2 invocations that returned normally, in invocation order. */
  List<Long> appliedSeqs() {
    return calls.stream().filter(call -> call.phase() != Phase.TRY && !call.threw())
        .map(Call::seq).collect(Collectors.toList());
  }
}
