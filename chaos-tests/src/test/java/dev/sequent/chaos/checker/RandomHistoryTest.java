package dev.sequent.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.chaos.history.Event;
import dev.sequent.chaos.history.EventType;
import dev.sequent.chaos.history.OpKind;
import dev.sequent.chaos.history.Read;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model-based: random runs of a correct bank ({@link BankModel}: concurrent clients, timeouts,
 * overdrafts, expiries, empty cancels, reads with money in flight) must all pass, and every
 * single mutation of each (one thing broken) must be caught by the check it breaks.
 *
 * <p>Seeded: the seed is logged and a failure names it; {@code -Dseed=N} replays the same runs.
 * A longer search: {@code -Druns=20000} (about 15 s).
 */
class RandomHistoryTest {
  private static final Logger LOG = LoggerFactory.getLogger(RandomHistoryTest.class);
  /** Runs per test; {@code -Druns=N} (passed through surefire's argLine) runs more. */
  private static final int RUNS = Integer.getInteger("runs", 300);
  private static final int STEPS_MAX = 400;

  /** One thing broken in a valid run, and the check that must catch it. */
  private enum Mutation {
    MIX_BRANCHES(Check.ATOMICITY),
    CONFIRM_A_CANCELLED_BRANCH(Check.ATOMICITY),
    OK_BECOMES_FAIL(Check.ATOMICITY),
    FAIL_BECOMES_OK(Check.ATOMICITY),
    LEFT_UNDECIDED(Check.ATOMICITY),
    DECISION_FLIPPED(Check.ATOMICITY),
    UNKNOWN_TXN(Check.ATOMICITY),
    READ_OFF(Check.CONSERVATION),
    FINAL_OFF(Check.CONSERVATION),
    LEFT_FROZEN(Check.CONSERVATION),
    DUPLICATE_CALL(Check.AT_MOST_ONCE),
    SWAPPED_CALLS(Check.ORDER),
    DROPPED_CALL(Check.ORDER),
    SEQ_GIVEN_TWICE(Check.ORDER),
    SLOW_RECOVERY(Check.LIVENESS);

    final Check check;

    Mutation(Check check) {
      this.check = check;
    }
  }

  @Test
  void validRunsPassAndEverySingleMutationIsCaughtByItsCheck() {
    String given = System.getProperty("seed");
    long seed = given == null || given.isBlank() ? new Random().nextLong() : Long.parseLong(given);
    LOG.info("seed {} (replay with -Dseed={})", seed, seed);
    Random seeds = new Random(seed);
    Map<Mutation, Integer> caught = new EnumMap<>(Mutation.class);
    long readsInFlight = 0;
    long readsBounded = 0;
    long events = 0;
    for (int i = 0; i < RUNS; i++) {
      Random random = new Random(seeds.nextLong());
      Run run = BankModel.generate(random, 1 + random.nextInt(STEPS_MAX));
      events += run.events.size();
      readsInFlight += readsWithMoneyInFlight(run);
      CheckReport report = run.check();
      readsBounded += report.reads().checked() - report.reads().exact();
      if (!report.ok()) {
        fail("valid run " + i + " rejected; replay with -Dseed=" + seed + "\n"
            + report.describe());
      }
      for (Mutation mutation : Mutation.values()) {
        Run broken = run.copy();
        if (!apply(mutation, broken, random)) {
          continue; // nothing to break of this kind in this run
        }
        CheckReport verdict = broken.check();
        if (verdict.violations(mutation.check).isEmpty()) {
          fail(mutation + " of run " + i + " not caught by " + mutation.check
              + "; replay with -Dseed=" + seed + "\n" + verdict.describe());
        }
        caught.merge(mutation, 1, Integer::sum);
      }
    }
    LOG.info("{} runs, {} events, {} reads with money in flight, {} reads bounded; mutations"
        + " caught: {}", RUNS, events, readsInFlight, readsBounded, caught);
    assertEquals(Mutation.values().length, caught.size(), "every mutation applied: " + caught);
    assertTrue(readsInFlight > 0, "the model produced reads with money in flight");
    assertTrue(readsBounded > 0, "the model produced reads without applied seqs");
  }

  private static boolean apply(Mutation mutation, Run run, Random random) {
    switch (mutation) {
      case MIX_BRANCHES:
        return restep(run, random, AppliedCall.Step.CONFIRM, AppliedCall.Step.CANCEL);
      case CONFIRM_A_CANCELLED_BRANCH:
        return restep(run, random, AppliedCall.Step.CANCEL, AppliedCall.Step.CONFIRM)
            || restep(run, random, AppliedCall.Step.EMPTY_CANCEL, AppliedCall.Step.CONFIRM);
      case OK_BECOMES_FAIL:
        return retype(run, random, EventType.OK, EventType.FAIL);
      case FAIL_BECOMES_OK:
        return retype(run, random, EventType.FAIL, EventType.OK);
      case LEFT_UNDECIDED:
        return restate(run, random, null, List.of(TxnState.TRYING, TxnState.CONFIRMING,
            TxnState.CANCELLING).get(random.nextInt(3)));
      case DECISION_FLIPPED:
        return restate(run, random, TxnState.CONFIRMED, TxnState.CANCELLED);
      case UNKNOWN_TXN:
        run.cluster.put("ghost", new TxnSnapshot("ghost", TxnState.CANCELLED, 0, 0, List.of(),
            true));
        return true;
      case READ_OFF:
        return skewRead(run, random);
      case FINAL_OFF:
        return changeFinal(run, random, false);
      case LEFT_FROZEN:
        return changeFinal(run, random, true);
      case DUPLICATE_CALL:
        return duplicateCall(run, random);
      case SWAPPED_CALLS:
        return swapCalls(run, random);
      case DROPPED_CALL:
        return dropCall(run, random);
      case SEQ_GIVEN_TWICE:
        return seqGivenTwice(run, random);
      case SLOW_RECOVERY:
        run.recovery = Recovery.within(run.recovery.boundMs() + 1 + random.nextInt(1_000),
            run.recovery.boundMs());
        return true;
      default:
        throw new AssertionError(mutation);
    }
  }

  /** Changes a random log entry with step {@code from} to step {@code to}. */
  private static boolean restep(Run run, Random random, AppliedCall.Step from,
      AppliedCall.Step to) {
    List<int[]> where = new ArrayList<>();
    List<String> participants = new ArrayList<>(run.logs.keySet());
    for (int p = 0; p < participants.size(); p++) {
      List<AppliedCall> log = run.logs.get(participants.get(p));
      for (int i = 0; i < log.size(); i++) {
        if (log.get(i).step() == from) {
          where.add(new int[] {p, i});
        }
      }
    }
    if (where.isEmpty()) {
      return false;
    }
    int[] at = where.get(random.nextInt(where.size()));
    List<AppliedCall> log = run.logs.get(participants.get(at[0]));
    AppliedCall call = log.get(at[1]);
    log.set(at[1], new AppliedCall(call.xid(), call.branchId(), call.seq(), to));
    return true;
  }

  private static boolean retype(Run run, Random random, EventType from, EventType to) {
    List<Integer> where = new ArrayList<>();
    for (int i = 0; i < run.events.size(); i++) {
      Event e = run.events.get(i);
      if (e.type() == from && e.op().kind() == OpKind.TRANSFER) {
        where.add(i);
      }
    }
    if (where.isEmpty()) {
      return false;
    }
    run.retype(where.get(random.nextInt(where.size())), to);
    return true;
  }

  /** Sets a random txn in state {@code from} (any final one when null) to {@code to}. */
  private static boolean restate(Run run, Random random, TxnState from, TxnState to) {
    List<String> where = new ArrayList<>();
    run.cluster.forEach((xid, txn) -> {
      if (from == null ? Evidence.isFinal(txn) : txn.state() == from) {
        where.add(xid);
      }
    });
    if (where.isEmpty()) {
      return false;
    }
    run.state(where.get(random.nextInt(where.size())), to);
    return true;
  }

  private static boolean skewRead(Run run, Random random) {
    List<Integer> where = new ArrayList<>();
    for (int i = 0; i < run.events.size(); i++) {
      Event e = run.events.get(i);
      // Only exact reads: a read without applied seqs is checked against a bound, which a
      // small change may stay within (NegativeControlTest covers bounded reads).
      if (e.type() == EventType.OK && e.op().kind() == OpKind.READ
          && !e.read().appliedSeqs().isEmpty()) {
        where.add(i);
      }
    }
    if (where.isEmpty()) {
      return false;
    }
    int index = where.get(random.nextInt(where.size()));
    Event event = run.events.get(index);
    List<AccountRef> accounts = new ArrayList<>(event.read().balances().keySet());
    AccountRef account = accounts.get(random.nextInt(accounts.size()));
    Map<AccountRef, Balance> balances = new HashMap<>(event.read().balances());
    Balance balance = balances.get(account);
    balances.put(account, new Balance(balance.available() + nonZero(random), balance.frozen()));
    run.events.set(index, new Event(event.index(), event.type(), event.process(),
        event.timeNs(), new Read(balances, event.read().appliedSeqs()), event.error()));
    return true;
  }

  private static boolean changeFinal(Run run, Random random, boolean freeze) {
    List<AccountRef> accounts = new ArrayList<>(run.balances.keySet());
    AccountRef account = accounts.get(random.nextInt(accounts.size()));
    Balance balance = run.balances.get(account);
    long amount = freeze ? 1 + random.nextInt(50) : nonZero(random);
    run.balances.put(account, freeze
        ? new Balance(balance.available() - amount, balance.frozen() + amount)
        : new Balance(balance.available() + amount, balance.frozen()));
    return true;
  }

  private static boolean duplicateCall(Run run, Random random) {
    List<List<AppliedCall>> logs = nonEmptyLogs(run, 1);
    if (logs.isEmpty()) {
      return false;
    }
    List<AppliedCall> log = logs.get(random.nextInt(logs.size()));
    int i = random.nextInt(log.size());
    log.add(i + 1 + random.nextInt(log.size() - i), log.get(i));
    return true;
  }

  private static boolean swapCalls(Run run, Random random) {
    List<List<AppliedCall>> logs = nonEmptyLogs(run, 2);
    if (logs.isEmpty()) {
      return false;
    }
    List<AppliedCall> log = logs.get(random.nextInt(logs.size()));
    int i = random.nextInt(log.size() - 1);
    log.set(i, log.set(i + 1, log.get(i)));
    return true;
  }

  private static boolean dropCall(Run run, Random random) {
    List<List<AppliedCall>> logs = nonEmptyLogs(run, 1);
    if (logs.isEmpty()) {
      return false;
    }
    List<AppliedCall> log = logs.get(random.nextInt(logs.size()));
    log.remove(random.nextInt(log.size()));
    return true;
  }

  /** Gives one decided branch the seq of another branch at the same participant. */
  private static boolean seqGivenTwice(Run run, Random random) {
    Map<String, List<long[]>> seqs = new HashMap<>();
    List<String> xids = new ArrayList<>(run.cluster.keySet());
    for (int x = 0; x < xids.size(); x++) {
      List<BranchSnapshot> branches = run.cluster.get(xids.get(x)).branches();
      for (int b = 0; b < branches.size(); b++) {
        if (branches.get(b).seq() > 0) {
          seqs.computeIfAbsent(branches.get(b).participant(), p -> new ArrayList<>())
              .add(new long[] {x, b, branches.get(b).seq()});
        }
      }
    }
    seqs.values().removeIf(list -> list.size() < 2);
    if (seqs.isEmpty()) {
      return false;
    }
    List<List<long[]>> candidates = new ArrayList<>(seqs.values());
    List<long[]> list = candidates.get(random.nextInt(candidates.size()));
    long[] target = list.remove(random.nextInt(list.size()));
    long[] source = list.get(random.nextInt(list.size()));
    TxnSnapshot txn = run.cluster.get(xids.get((int) target[0]));
    List<BranchSnapshot> branches = new ArrayList<>(txn.branches());
    BranchSnapshot b = branches.get((int) target[1]);
    branches.set((int) target[1], new BranchSnapshot(b.branchId(), b.participant(), source[2],
        b.phase2State(), b.payloadBytes()));
    run.cluster.put(txn.xid(), new TxnSnapshot(txn.xid(), txn.state(), txn.beganAtMs(),
        txn.deadlineMs(), branches, txn.expired()));
    return true;
  }

  private static List<List<AppliedCall>> nonEmptyLogs(Run run, int sizeMin) {
    List<List<AppliedCall>> logs = new ArrayList<>();
    run.logs.values().stream().filter(log -> log.size() >= sizeMin).forEach(logs::add);
    return logs;
  }

  private static long nonZero(Random random) {
    long delta = 1 + random.nextInt(20);
    return random.nextBoolean() ? delta : -delta;
  }

  /** Ok reads whose plain total is not the initial total: only the applied seqs explain them. */
  private static long readsWithMoneyInFlight(Run run) {
    long initial = run.finalState().initialTotal();
    return run.events.stream()
        .filter(e -> e.type() == EventType.OK && e.op().kind() == OpKind.READ)
        .filter(e -> e.read().balances().values().stream().mapToLong(Balance::total).sum()
            != initial)
        .count();
  }
}
