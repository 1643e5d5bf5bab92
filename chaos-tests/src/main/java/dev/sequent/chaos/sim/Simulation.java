package dev.sequent.chaos.sim;

import dev.sequent.coordinator.dispatch.DispatcherSettings;
import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.BranchView;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.CommandResult;
import dev.sequent.coordinator.table.Decision;
import dev.sequent.coordinator.table.TransactionTable;
import dev.sequent.coordinator.table.TxnState;
import dev.sequent.coordinator.table.TxnView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One seed's run: builds the world from the seed, runs the fault phase (transfers start, faults
 * happen), then the liveness phase (faults stop; every txn must become final and every
 * participant's calls acknowledged within the bound), then the end checks (money conserved, every
 * final txn applied all-or-nothing at its participants, decisions as first applied). Stops at the
 * first violation. Same seed and config, same run, step for step.
 */
public final class Simulation {
  static final int PARTICIPANTS = 3;
  static final int ACCOUNTS = 3;
  static final long OPENING_BALANCE = 100;
  static final long FAULT_TICK_MS = 50;
  static final long OPERATOR_ROUND_MS = 200;
  static final long LIVENESS_CHECK_MS = 100;
  static final long ANNOUNCE_INTERVAL_MS = 500;

  private final long seed;
  private final SimConfig config;
  private final Scheduler scheduler = new Scheduler();
  private final SplittableRandom random;
  private final FaultRates rates;
  private final Invariants invariants;
  private final SimNetwork network;
  private final SimLog log;
  private final Map<String, SimParticipant> participants = new TreeMap<>();
  private final SimCoordinator coordinator;
  private final Map<String, Decision> decisions = new HashMap<>();
  private final List<String> xids = new ArrayList<>();
  private boolean faultsOn = true;
  private boolean settled;
  private long crashes;
  private long deadInitiators;
  private long poisoned;

  public Simulation(long seed, SimConfig config) {
    this.seed = seed;
    this.config = config;
    this.random = new SplittableRandom(seed);
    this.rates = config.swarm() ? FaultRates.swarm(random.split()) : config.rates();
    this.invariants = new Invariants(seed, scheduler);
    this.network = new SimNetwork(scheduler, random.split(), rates);
    this.log = new SimLog(scheduler, random.split());
    for (int i = 1; i <= PARTICIPANTS; i++) {
      String name = "p" + i;
      BankResource bank = new BankResource(name, invariants, this::cluster, random.split(),
          rates.resourceFailPerMille(), () -> faultsOn);
      for (int a = 0; a < ACCOUNTS; a++) {
        bank.balance.put("a" + a, OPENING_BALANCE);
      }
      participants.put(name, new SimParticipant(name, bank, config.bug()));
    }
    DispatcherSettings settings = DispatcherSettings.DEFAULTS
        .withInflightMax(1 + random.nextInt(8)).withBackoffMs(10, 400)
        .withAttemptsMax(3 + random.nextInt(4)).withTimeoutsMs(50, 300);
    this.coordinator = new SimCoordinator(scheduler, random.split(), log, network, participants,
        settings, config.bug());
    log.onApplied(this::checkApplied);
  }

  private TxnView cluster(String xid) {
    return log.table().find(log.store(), xid);
  }

  /** Runs the seed to its end or its first violation. */
  public SimResult run() {
    for (SimParticipant p : participants.values()) {
      log.bootstrap(new Command.AnnounceEndpoint(p.name, "sim-" + p.name, p.port()));
    }
    coordinator.start();
    for (int i = 0; i < config.transfers(); i++) {
      scheduler.after(random.nextLong(config.faultPhaseMs() * 4 / 5), "transfer " + i,
          this::startTransfer);
    }
    scheduler.after(FAULT_TICK_MS, "faults", this::faultTick);
    scheduler.after(OPERATOR_ROUND_MS, "operator", this::operatorRound);
    scheduler.after(ANNOUNCE_INTERVAL_MS, "announce", this::announceRound);
    scheduler.after(config.faultPhaseMs(), "faults stop", this::stopFaults);
    long deadlineMs = config.faultPhaseMs() + config.livenessBoundMs();
    while (!settled && !invariants.failed() && scheduler.step()) {
      if (scheduler.nowMs() > deadlineMs) {
        invariants.require(false, "liveness", unfinished());
      }
    }
    if (!invariants.failed()) {
      endChecks();
    }
    return new SimResult(seed, scheduler.steps(), faults(), log.entries(),
        count(TxnState.CONFIRMED), count(TxnState.CANCELLED), scheduler.nowMs(),
        invariants.violations());
  }

  private void startTransfer() {
    String xid = "t" + xids.size();
    xids.add(xid);
    List<String> names = new ArrayList<>(participants.keySet());
    String from = names.remove(random.nextInt(names.size()));
    String to = names.get(random.nextInt(names.size()));
    long amount = 1 + random.nextLong(60);
    List<Branch> branches = List.of(
        new Branch("debit", from, new BankResource.Op(true, account(), amount).encode()),
        new Branch("credit", to, new BankResource.Op(false, account(), amount).encode()));
    for (Branch branch : branches) {
      if (faultsOn && FaultRates.roll(random, rates.poisonPerMille())) {
        poisoned++;
        participants.get(branch.participant()).bank.poisoned
            .add(BankResource.key(xid, branch.branchId()));
      }
    }
    long timeoutMs = 150 + random.nextLong(1_500);
    new SimInitiator(scheduler, random.split(), network, coordinator, participants, rates,
        () -> deadInitiators++, xid, timeoutMs, branches).start();
  }

  private String account() {
    return "a" + random.nextInt(ACCOUNTS);
  }

  private void faultTick() {
    if (!faultsOn) {
      return;
    }
    for (SimParticipant p : participants.values()) {
      if (p.up() && FaultRates.roll(random, rates.crashPerMille())) {
        crash(p);
      }
    }
    if (FaultRates.roll(random, rates.electionPerMille())) {
      coordinator.election();
    }
    scheduler.after(FAULT_TICK_MS, "faults", this::faultTick);
  }

  private void crash(SimParticipant p) {
    crashes++;
    p.crash();
    coordinator.crashed(p.name);
    scheduler.after(20 + random.nextLong(1_500), "restart " + p.name, () -> {
      if (p.restart(random.nextInt(4) == 0)) {
        announce(p);
      }
    });
  }

  /**
   * Every participant announces its endpoint again and again, as tcc-client's Announcer does:
   * the latest announcement applied wins, so a stale one (an older port's, delayed or duplicated
   * by the network) is corrected by the next. Announcing only until one was applied is not
   * enough: seeds 12804 and 20045 found a delayed announcement of the previous port applied after
   * the current one, leaving the dispatcher dialling a dead port for good.
   */
  private void announceRound() {
    for (SimParticipant p : participants.values()) {
      announce(p);
    }
    if (!settled) {
      scheduler.after(ANNOUNCE_INTERVAL_MS, "announce", this::announceRound);
    }
  }

  private void announce(SimParticipant p) {
    if (p.up()) {
      coordinator.request(new Command.AnnounceEndpoint(p.name, "sim-" + p.name, p.port()),
          r -> { });
    }
  }

  private void operatorRound() {
    coordinator.operatorRound();
    if (!settled) {
      scheduler.after(OPERATOR_ROUND_MS, "operator", this::operatorRound);
    scheduler.after(ANNOUNCE_INTERVAL_MS, "announce", this::announceRound);
    }
  }

  private void stopFaults() {
    faultsOn = false;
    network.faulty(false);
    scheduler.after(LIVENESS_CHECK_MS, "liveness check", this::livenessCheck);
  }

  private void livenessCheck() {
    settled = unfinished().isEmpty();
    if (!settled) {
      scheduler.after(LIVENESS_CHECK_MS, "liveness check", this::livenessCheck);
    }
  }

  /** Empty when every txn is final and every participant's calls are acknowledged. */
  private String unfinished() {
    List<String> open = new ArrayList<>();
    for (String xid : xids) {
      TxnView txn = cluster(xid);
      if (txn != null && !txn.state().isFinal()) {
        open.add(xid + " " + txn.state());
      }
    }
    for (SimParticipant p : participants.values()) {
      TransactionTable table = log.table();
      long behind = table.lastSeq(log.store(), p.name) - table.watermark(log.store(), p.name);
      if (behind > 0 || !p.up()) {
        open.add(p.name + (p.up() ? "" : " down") + " has " + behind + " calls unacknowledged");
      }
    }
    return open.isEmpty() ? "" : "not done " + config.livenessBoundMs()
        + " ms after faults stopped: " + open;
  }

  // ------------------------------------------------------------------ checks

  /** After every applied command: decisions never flip; no watermark passes the participant. */
  private void checkApplied(Command command, CommandResult result) {
    TxnView txn = result.txn();
    if (txn != null && txn.decision() != null) {
      Decision first = decisions.putIfAbsent(txn.xid(), txn.decision());
      invariants.require(first == null || first == txn.decision(), "decisions never flip",
          txn.xid() + " was " + first + ", now " + txn.decision());
    }
    if (command instanceof Command.RecordAcks acks) {
      for (Ack ack : acks.acks()) {
        long watermark = log.table().watermark(log.store(), ack.participant());
        long applied = participants.get(ack.participant()).appliedSeq();
        invariants.require(watermark <= applied, "watermark within what was applied",
            ack.participant() + " has watermark " + watermark + " but applied only " + applied);
      }
    }
  }

  /** Once all is done: conservation, all-or-nothing per final txn, decisions as first seen. */
  private void endChecks() {
    long balances = 0;
    long expected = (long) PARTICIPANTS * ACCOUNTS * OPENING_BALANCE;
    for (SimParticipant p : participants.values()) {
      balances += p.bank.total(p.bank.balance);
      invariants.require(p.bank.total(p.bank.held) == 0 && p.bank.total(p.bank.incoming) == 0,
          "nothing frozen", p.name + " holds " + p.bank.held + ", expects " + p.bank.incoming);
    }
    invariants.require(balances == expected, "money conserved",
        "balances sum to " + balances + ", not " + expected);
    for (String xid : xids) {
      TxnView txn = cluster(xid);
      if (txn == null) {
        continue;
      }
      Decision first = decisions.get(xid);
      invariants.require(first == null || first == txn.decision(), "decisions never flip",
          xid + " was " + first + ", ended " + txn.decision());
      for (BranchView branch : txn.branches()) {
        Decision effect = participants.get(branch.participant()).bank.effects
            .get(BankResource.key(xid, branch.branchId()));
        boolean ok = txn.decision() == Decision.CONFIRM
            ? effect == Decision.CONFIRM : effect != Decision.CONFIRM;
        invariants.require(ok, "all-or-nothing", xid + " ended " + txn.state() + " but "
            + branch.participant() + " applied " + effect + " to " + branch.branchId());
      }
    }
  }

  private int count(TxnState state) {
    int n = 0;
    for (String xid : xids) {
      TxnView txn = cluster(xid);
      n += txn != null && txn.state() == state ? 1 : 0;
    }
    return n;
  }

  private long faults() {
    long resource = 0;
    for (SimParticipant p : participants.values()) {
      resource += p.bank.injectedFailures;
    }
    return network.faults() + crashes + coordinator.elections() + deadInitiators + resource
        + poisoned;
  }
}
