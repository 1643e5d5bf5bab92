package dev.sequent.chaos.sim;

import dev.sequent.client.TryResult;
import dev.sequent.client.participant.BranchFence;
import dev.sequent.client.participant.Fence;
import dev.sequent.client.participant.FenceState;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.coordinator.table.Phase2Record;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Decision;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.StagedWrites;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A participant service: the real {@link Fence} over a {@link RocksFenceStore} on an in-memory
 * state store (its durable fence state), and a {@link BankResource}. A crash drops every
 * connection and message in flight to it; a restart builds a new fence over the same store and
 * may listen on a new port, which it announces through the log.
 */
final class SimParticipant {

  final String name;
  final BankResource bank;
  private final InMemoryStateStore store = InMemoryStateStore.create(RocksFenceStore.KEYSPACES);
  private final RocksFenceStore fences = RocksFenceStore.over(store);
  private final PlantedBug bug;
  private Fence fence;
  private boolean up = true;
  private int port = 7000;
  /** Bumped at every crash: connections and messages of an older incarnation are dead. */
  private long incarnation;

  SimParticipant(String name, BankResource bank, PlantedBug bug) {
    this.name = name;
    this.bank = bank;
    this.bug = bug;
    this.fence = new Fence(name, bank, fences);
  }

  boolean up() {
    return up;
  }

  int port() {
    return port;
  }

  long incarnation() {
    return incarnation;
  }

  void crash() {
    up = false;
    incarnation++;
    fence = null;
  }

  /** Restarts from the durable fence state; returns true when it moved to a new port. */
  boolean restart(boolean newPort) {
    up = true;
    fence = new Fence(name, bank, fences);
    if (newPort) {
      port++;
    }
    return newPort;
  }

  /** The applied seq the fence committed. */
  long appliedSeq() {
    return fences.watermark(name).appliedSeq();
  }

  TryResult tryBranch(String xid, String branchId, byte[] payload) {
    return fence.tryBranch(xid, branchId, payload);
  }

  Phase2Ack apply(Phase2Call call) {
    boolean emptyCancel = bug == PlantedBug.FENCE_FORGETS_EMPTY_CANCEL
        && call.getDecision() == Decision.CANCEL
        && fences.branch(name, call.getXid(), call.getBranchId()).isEmpty();
    List<byte[]> before = emptyCancel ? branchKeys() : List.of();
    Phase2Ack ack = fence.apply(call);
    boolean applied = ack.getOutcome() == Outcome.OK.code() && ack.getAppliedSeq() >= call.getSeq();
    if (applied) {
      bank.phase2Done.add(BankResource.key(call.getXid(), call.getBranchId()));
    }
    if (emptyCancel && applied) {
      forget(before);
    }
    return ack;
  }

  /** The operator's hand fix of a call that needs one, checked against this fence's row. */
  void settleByHand(Phase2Record call) {
    Optional<BranchFence> row = fences.branch(name, call.xid(), call.branchId());
    boolean applied = row.isPresent() && row.get().state() != FenceState.TRIED
        && row.get().state() != FenceState.TRY_FAILED;
    bank.settleByHand(call.xid(), call.branchId(), call.decision(), applied);
  }

  // ------------------------------------------------------------------ the planted bug

  private List<byte[]> branchKeys() {
    List<byte[]> keys = new ArrayList<>();
    store.scan(RocksFenceStore.BRANCHES, null, null, (key, value) -> keys.add(key));
    return keys;
  }

  /** Deletes the fence rows written since before: the row the empty cancel wrote. */
  private void forget(List<byte[]> before) {
    StagedWrites writes = store.stage();
    for (byte[] key : branchKeys()) {
      if (before.stream().noneMatch(old -> Arrays.equals(old, key))) {
        writes.delete(RocksFenceStore.BRANCHES, key);
      }
    }
    store.commit(writes, store.appliedIndex());
  }
}
