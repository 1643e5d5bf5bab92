package dev.sequent.chaos.sim;

import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.TccResource;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TxnView;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One participant's accounts as a TCC resource, with the checks that watch what the fence lets
 * through. A debit's try moves the amount from the balance to a hold; its confirm drops the hold
 * (the money left), its cancel returns it. A credit's try records an incoming amount; its confirm
 * adds it to the balance, its cancel drops it. Its state survives a crash of the participant (it
 * is the participant's durable business state; a crash falls between two calls).
 *
 * <p>Checked at each call: at most one phase-2 effect per branch; effects in increasing seq order;
 * each effect at the seq the cluster assigned to the branch and with the cluster's decision
 * (all-or-nothing, seen from the participant); no try after the branch's phase two was applied
 * (suspension); no balance, hold or incoming amount below zero.
 */
final class BankResource implements TccResource {

  /** What a branch does: debit or credit an account by an amount. */
  record Op(boolean debit, String account, long amount) {
    byte[] encode() {
      return ((debit ? "D:" : "C:") + account + ":" + amount).getBytes(StandardCharsets.UTF_8);
    }

    static Op decode(byte[] payload) {
      String[] parts = new String(payload, StandardCharsets.UTF_8).split(":");
      return new Op(parts[0].equals("D"), parts[1], Long.parseLong(parts[2]));
    }
  }

  private final String participant;
  private final Invariants invariants;
  private final Function<String, TxnView> cluster;
  private final SplittableRandom random;
  private final int failPerMille;
  private final BooleanSupplier faultsOn;
  final Map<String, Long> balance = new TreeMap<>();
  final Map<String, Long> held = new TreeMap<>();
  final Map<String, Long> incoming = new TreeMap<>();
  /** Branches whose try reserved something (a failed try reserves nothing). */
  private final Map<String, Op> reserved = new HashMap<>();
  /** Phase-2 effects per branch: (xid/branchId) to decision; at most one each. */
  final Map<String, Decision> effects = new HashMap<>();
  /** Branches whose phase two the participant applied (acks say so), with or without effect. */
  final Set<String> phase2Done = new HashSet<>();
  /** Branches whose every phase-2 call fails until an operator settles them. */
  final Set<String> poisoned = new HashSet<>();
  /** Branches an operator settled by hand: the resource refuses any further call for them. */
  final Set<String> settled = new HashSet<>();
  private long lastEffectSeq;
  long effectCount;
  long injectedFailures;

  BankResource(String participant, Invariants invariants, Function<String, TxnView> cluster,
      SplittableRandom random, int failPerMille, BooleanSupplier faultsOn) {
    this.participant = participant;
    this.invariants = invariants;
    this.cluster = cluster;
    this.random = random;
    this.failPerMille = failPerMille;
    this.faultsOn = faultsOn;
  }

  static String key(String xid, String branchId) {
    return xid + "/" + branchId;
  }

  @Override
  public void onTry(BranchContext branch) throws Exception {
    String key = key(branch.xid(), branch.branchId());
    invariants.require(!phase2Done.contains(key), "no try after phase two (anti-suspension)",
        participant + " ran the try of " + key + " after its phase two was applied");
    failMaybe("try", key);
    Op op = Op.decode(branch.payload());
    if (op.debit()) {
      long available = balance.getOrDefault(op.account(), 0L);
      if (available < op.amount()) {
        throw new IllegalStateException("insufficient funds in " + op.account());
      }
      add(balance, op.account(), -op.amount());
      add(held, op.account(), op.amount());
    } else {
      add(incoming, op.account(), op.amount());
    }
    reserved.put(key, op);
  }

  @Override
  public void onConfirm(BranchContext branch) throws Exception {
    String key = key(branch.xid(), branch.branchId());
    failPhase2Maybe(key);
    Op op = checkEffect(branch, Decision.CONFIRM, key);
    if (op == null) {
      return;
    }
    confirmEffect(op);
  }

  @Override
  public void onCancel(BranchContext branch) throws Exception {
    String key = key(branch.xid(), branch.branchId());
    failPhase2Maybe(key);
    checkEffect(branch, Decision.CANCEL, key);
    Op op = reserved.get(key);
    if (op != null) {
      cancelEffect(op);
    }
  }

  private void confirmEffect(Op op) {
    if (op.debit()) {
      add(held, op.account(), -op.amount());
    } else {
      add(incoming, op.account(), -op.amount());
      add(balance, op.account(), op.amount());
    }
  }

  private void cancelEffect(Op op) {
    if (op.debit()) {
      add(held, op.account(), -op.amount());
      add(balance, op.account(), op.amount());
    } else {
      add(incoming, op.account(), -op.amount());
    }
  }

  /** Checks one phase-2 effect against the cluster and the ones before; returns the try's op. */
  private Op checkEffect(BranchContext branch, Decision decision, String key) {
    Decision before = effects.put(key, decision);
    effectCount++;
    invariants.require(before == null, "at most once",
        participant + " applied " + key + " twice: " + before + " then " + decision);
    invariants.require(branch.seq() > lastEffectSeq, "per-participant order", participant
        + " applied seq " + branch.seq() + " after seq " + lastEffectSeq);
    lastEffectSeq = Math.max(lastEffectSeq, branch.seq());
    TxnView txn = cluster.apply(branch.xid());
    invariants.require(txn != null && txn.decision() == decision, "all-or-nothing",
        participant + " applied " + decision + " to " + key + " but the cluster decided "
            + (txn == null ? "nothing" : txn.decision()));
    if (txn != null) {
      long assigned = txn.branches().stream()
          .filter(b -> b.branchId().equals(branch.branchId())).mapToLong(BranchView::seq)
          .findFirst().orElse(-1);
      invariants.require(assigned == branch.seq(), "cluster order", participant + " applied "
          + key + " at seq " + branch.seq() + "; the cluster assigned seq " + assigned);
    }
    return reserved.get(key);
  }

  private void failMaybe(String what, String key) {
    if (settled.contains(key)) {
      throw new IllegalStateException(key + " was settled by an operator");
    }
    if (faultsOn.getAsBoolean() && FaultRates.roll(random, failPerMille)) {
      injectedFailures++;
      throw new IllegalStateException("injected failure of " + what);
    }
  }

  private void failPhase2Maybe(String key) {
    if (poisoned.contains(key)) {
      throw new IllegalStateException(key + " cannot be processed (poisoned)");
    }
    failMaybe("phase two", key);
  }

  /**
   * An operator settles a branch by hand: applies the decision's effect unless the fence shows
   * phase two already applied, and makes the resource refuse the branch from then on, so no late
   * call applies it a second time.
   */
  void settleByHand(String xid, String branchId, Decision decision, boolean alreadyApplied) {
    String key = key(xid, branchId);
    if (!settled.add(key)) {
      return;
    }
    Op op = reserved.get(key);
    if (alreadyApplied || op == null) {
      return;
    }
    Decision before = effects.put(key, decision);
    invariants.require(before == null, "at most once",
        participant + ": an operator settled " + key + " already applied as " + before);
    if (decision == Decision.CONFIRM) {
      confirmEffect(op);
    } else {
      cancelEffect(op);
    }
  }

  private void add(Map<String, Long> amounts, String account, long delta) {
    long after = amounts.getOrDefault(account, 0L) + delta;
    invariants.require(after >= 0, "no negative amounts",
        participant + " account " + account + " would go to " + after);
    amounts.put(account, after);
  }

  long total(Map<String, Long> amounts) {
    return amounts.values().stream().mapToLong(Long::longValue).sum();
  }
}
