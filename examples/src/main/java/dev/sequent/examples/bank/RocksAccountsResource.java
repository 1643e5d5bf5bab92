package dev.sequent.examples.bank;

import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.TccResource;
import dev.sequent.examples.bank.RocksBankStore.Effect;
import java.util.Optional;

/**
 * The TCC face of {@link Accounts} on RocksDB. Same business as {@link SqlAccountsResource}, but
 * the fence is not in the money's transaction, so every step first looks up its branch's {@link
 * Effect} (written with the money, in one batch) and does nothing when it already ran: a crash
 * between the money's batch and the fence's batch makes the call come again, and it must not move
 * money twice.
 *
 * <p>The BranchContext is unwrapped into plain arguments, so tests can run a step twice exactly
 * as a resend after such a crash would.
 */
final class RocksAccountsResource implements TccResource {
  private final RocksBankStore bank;
  private final Phase2Listener listener;

  RocksAccountsResource(RocksBankStore bank, Phase2Listener listener) {
    this.bank = bank;
    this.listener = listener;
  }

  @Override
  public void onTry(BranchContext branch) {
    tryLeg(branch.xid(), branch.branchId(), Leg.parse(branch.payload()));
  }

  @Override
  public void onConfirm(BranchContext branch) {
    phaseTwo(new AppliedCall(branch.seq(), branch.xid(), branch.branchId(),
        AppliedCall.Step.CONFIRM, Leg.parse(branch.payload())))
        .ifPresent(call -> listener.applied(branch.participant(), call));
  }

  @Override
  public void onCancel(BranchContext branch) {
    phaseTwo(new AppliedCall(branch.seq(), branch.xid(), branch.branchId(),
        AppliedCall.Step.CANCEL, Leg.parse(branch.payload())))
        .ifPresent(call -> listener.applied(branch.participant(), call));
  }

  /** The try: a debit freezes (or throws), a credit checks the account; then the effect. */
  void tryLeg(String xid, String branchId, Leg leg) {
    bank.write(batch -> {
      if (batch.effect(xid, branchId).isPresent()) {
        return null; // this try ran before, and a crash lost its fence row: done already
      }
      Accounts accounts = new Accounts(batch);
      if (leg.direction() == Leg.Direction.DEBIT) {
        accounts.freeze(leg.account(), leg.amount());
      } else {
        accounts.get(leg.account());
      }
      batch.putEffect(xid, branchId, new Effect(Effect.State.TRIED, leg));
      return null;
    });
  }

  /**
   * Confirms or cancels a branch once: returns the call as journaled, or empty when the same step
   * had already been applied.
   */
  Optional<AppliedCall> phaseTwo(AppliedCall call) {
    return bank.write(batch -> {
      Optional<Effect> before = batch.effect(call.xid(), call.branchId());
      Effect.State done = call.step() == AppliedCall.Step.CONFIRM
          ? Effect.State.CONFIRMED : Effect.State.CANCELLED;
      if (before.isPresent() && before.get().state() == done) {
        return Optional.<AppliedCall>empty(); // applied before a crash lost its fence row
      }
      boolean tried = before.isPresent() && before.get().state() == Effect.State.TRIED;
      if (call.step() == AppliedCall.Step.CONFIRM) {
        if (!tried) {
          // The fence confirms only a branch whose try succeeded, and that try left its effect.
          throw new IllegalStateException("confirm of " + call.xid() + "/" + call.branchId()
              + " finds " + before.map(Effect::state).orElse(null) + ", not TRIED");
        }
        confirm(new Accounts(batch), call.leg());
      } else if (tried && call.leg().direction() == Leg.Direction.DEBIT) {
        new Accounts(batch).releaseFrozen(call.leg().account(), call.leg().amount());
      } else if (before.isPresent() && !tried) {
        throw new IllegalStateException("cancel of " + call.xid() + "/" + call.branchId()
            + " finds it " + before.get().state());
      }
      // No effect and a cancel: the try failed (it wrote nothing) or never ran. Nothing to undo.
      batch.putEffect(call.xid(), call.branchId(), new Effect(done, call.leg()));
      batch.journal(call);
      return Optional.of(call);
    });
  }

  private static void confirm(Accounts accounts, Leg leg) {
    if (leg.direction() == Leg.Direction.DEBIT) {
      accounts.commitFrozen(leg.account(), leg.amount());
    } else {
      accounts.deposit(leg.account(), leg.amount());
    }
  }
}
