package dev.sequent.chaos.sim;

import dev.sequent.client.TryResult;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.protocol.Outcome;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One bank transfer's initiator, as tcc-client's initiator behaves: begin with both branches
 * (retried with the same xid until answered), try each branch at its participant (retried a few
 * times), then confirm if both tries succeeded and cancel otherwise (retried until answered).
 * Now and then it aborts on purpose, or dies at a step and never decides, leaving its txn to
 * expiry.
 */
final class SimInitiator {
  static final long RETRY_MS = 120;
  static final int TRY_ATTEMPTS_MAX = 4;
  static final int REQUEST_ATTEMPTS_MAX = 40;

  private final Scheduler scheduler;
  private final SplittableRandom random;
  private final SimNetwork network;
  private final SimCoordinator coordinator;
  private final Map<String, SimParticipant> participants;
  private final FaultRates rates;
  private final Runnable onCrash;
  final String xid;
  private final long timeoutMs;
  private final List<Branch> branches;
  private final boolean abort;
  private final TryResult[] tries;
  private int phase;
  private boolean dead;

  SimInitiator(Scheduler scheduler, SplittableRandom random, SimNetwork network,
      SimCoordinator coordinator, Map<String, SimParticipant> participants, FaultRates rates,
      Runnable onCrash, String xid, long timeoutMs, List<Branch> branches) {
    this.scheduler = scheduler;
    this.random = random;
    this.network = network;
    this.coordinator = coordinator;
    this.participants = participants;
    this.rates = rates;
    this.onCrash = onCrash;
    this.xid = xid;
    this.timeoutMs = timeoutMs;
    this.branches = List.copyOf(branches);
    this.abort = random.nextInt(10) == 0;
    this.tries = new TryResult[branches.size()];
  }

  /** Starts the transfer now. */
  void start() {
    begin(1);
  }

  /** True at one of its steps when it dies there (faults on only). */
  private boolean dies() {
    if (!dead && network.faulty() && FaultRates.roll(random, rates.initiatorCrashPerMille())) {
      dead = true;
      onCrash.run();
    }
    return dead;
  }

  private void begin(int attempt) {
    if (phase != 0 || dies() || attempt > REQUEST_ATTEMPTS_MAX) {
      return;
    }
    coordinator.request(new Command.Begin(xid, timeoutMs, branches), this::begun);
    scheduler.after(RETRY_MS, "begin retry " + xid, () -> begin(attempt + 1));
  }

  private void begun(CommandResult result) {
    if (phase != 0 || dies()) {
      return;
    }
    phase = 1;
    if (result.outcome() != Outcome.OK) {
      return;
    }
    for (int i = 0; i < branches.size(); i++) {
      tryBranch(i, 1);
    }
  }

  private void tryBranch(int i, int attempt) {
    if (phase != 1 || tries[i] != null || dies()) {
      return;
    }
    if (attempt > TRY_ATTEMPTS_MAX) {
      tried(i, new TryResult(Outcome.UNAVAILABLE, "no answer"));
      return;
    }
    Branch branch = branches.get(i);
    SimParticipant p = participants.get(branch.participant());
    network.datagram("try " + xid + "/" + branch.branchId(), () -> {
      if (!p.up()) {
        return;
      }
      TryResult result = p.tryBranch(xid, branch.branchId(), branch.payload());
      network.datagram("try reply " + xid + "/" + branch.branchId(), () -> tried(i, result));
    });
    scheduler.after(RETRY_MS, "try retry " + xid, () -> tryBranch(i, attempt + 1));
  }

  private void tried(int i, TryResult result) {
    if (phase != 1 || tries[i] != null || dies()) {
      return;
    }
    tries[i] = result;
    for (TryResult each : tries) {
      if (each == null) {
        return;
      }
    }
    boolean allOk = !abort;
    for (TryResult each : tries) {
      allOk &= each.isOk();
    }
    phase = 2;
    decide(allOk ? Decision.CONFIRM : Decision.CANCEL, 1);
  }

  private void decide(Decision decision, int attempt) {
    if (phase != 2 || dies() || attempt > REQUEST_ATTEMPTS_MAX) {
      return;
    }
    coordinator.request(new Command.Decide(xid, decision), result -> phase = 3);
    scheduler.after(RETRY_MS, "decide retry " + xid, () -> decide(decision, attempt + 1));
  }
}
