package dev.sequent.examples;

import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.TccResource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's participant business: it records, in memory, what it tried, confirmed and cancelled
 * and when, so the demo can check order and exactly-once and time each txn up to its last confirm.
 * A try whose payload is "fail" is refused (insufficient funds). Phase two runs on one thread per
 * participant, in seq order, so the lists need no further locking than their own.
 */
final class CountingLedger implements TccResource {
  /** One applied phase-2 call. */
  record Applied(String xid, String branchId, long seq, String step) {}

  private final List<Applied> applied = new ArrayList<>();
  final Map<String, Long> confirmedAtNs = new ConcurrentHashMap<>();

  @Override
  public void onTry(BranchContext branch) {
    if (new String(branch.payload(), StandardCharsets.UTF_8).equals("fail")) {
      throw new IllegalStateException("insufficient funds");
    }
  }

  @Override
  public void onConfirm(BranchContext branch) {
    record(branch, "CONFIRM");
    confirmedAtNs.put(branch.xid(), System.nanoTime());
  }

  @Override
  public void onCancel(BranchContext branch) {
    record(branch, "CANCEL");
  }

  private synchronized void record(BranchContext branch, String step) {
    applied.add(new Applied(branch.xid(), branch.branchId(), branch.seq(), step));
  }

  synchronized List<Applied> applied() {
    return List.copyOf(applied);
  }
}
