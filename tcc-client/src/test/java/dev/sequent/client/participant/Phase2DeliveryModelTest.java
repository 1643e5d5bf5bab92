package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.participant.BranchContext.Phase;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.storage.InMemoryStateStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model-based: a random leader (windows of calls, reordered resends after reconnects, duplicates,
 * a term change with the deposed leader still sending, failing resources, late tries) drives one
 * participant's fence, fully deterministic on an in-memory state store. Whatever the delivery, the
 * resource's applied log must be exactly the seq order, each branch's effect once, every branch
 * must end in the state its decision implies, and no late try may run.
 *
 * <p>A failure names its seed; {@code -Dseed=N} replays it.
 */
class Phase2DeliveryModelTest {
  private static final Logger log = LoggerFactory.getLogger(Phase2DeliveryModelTest.class);
  static final String P = "accounts";
  static final int RUNS = 40;
  static final int STEPS_MAX = 20_000;

  enum Plan { TRIED_CONFIRM, TRIED_CANCEL, FAILED_TRY_CANCEL, NO_TRY_CANCEL }

  static long seed() {
    String given = System.getProperty("seed");
    return given == null || given.isBlank()
        ? ThreadLocalRandom.current().nextLong() : Long.parseLong(given.trim());
  }

  @Test
  void anyDeliveryAppliesEveryCallOnceInSeqOrder() {
    long seed = seed();
    log.info("seed {} (replay with -Dseed={})", seed, seed);
    for (int run = 0; run < RUNS; run++) {
      new Run(new Random(seed + run), "seed " + seed + " run " + run).check();
    }
  }

  /** One random participant history and its checks. */
  private static final class Run {
    private final Random random;
    private final String where;
    private final RecordingResource resource = new RecordingResource();
    private final AtomicBoolean failNextPhase2 = new AtomicBoolean();
    private final Set<String> failingTries = new HashSet<>();
    private final RocksFenceStore store =
        RocksFenceStore.over(InMemoryStateStore.create(RocksFenceStore.KEYSPACES));
    private final Fence fence = new Fence(P, resource, store);
    private final List<Plan> plans = new ArrayList<>();
    private long term = 1;
    private long deposedTerm;
    private long watermark;

    Run(Random random, String where) {
      this.random = random;
      this.where = where;
      resource.failAfterWrite(context -> context.phase() == Phase.TRY
          ? failingTries.contains(context.xid())
          : failNextPhase2.getAndSet(false));
    }

    void check() {
      int calls = 20 + random.nextInt(40);
      for (int seq = 1; seq <= calls; seq++) {
        plans.add(Plan.values()[random.nextInt(Plan.values().length)]);
      }
      runTries();
      for (int step = 0; watermark < calls; step++) {
        assertTrue(step < STEPS_MAX, where + ": stuck at watermark " + watermark);
        step(calls, where + " step " + step);
      }
      verify(calls);
    }

    /** Phase one, in random order, some twice: the tries the plans call for. */
    private void runTries() {
      List<Integer> order = new ArrayList<>();
      for (int seq = 1; seq <= plans.size(); seq++) {
        if (plans.get(seq - 1) != Plan.NO_TRY_CANCEL) {
          order.add(seq);
          if (random.nextInt(4) == 0) {
            order.add(seq);
          }
        }
        if (plans.get(seq - 1) == Plan.FAILED_TRY_CANCEL) {
          failingTries.add(xid(seq));
        }
      }
      Collections.shuffle(order, random);
      for (int seq : order) {
        Outcome expected = failingTries.contains(xid(seq)) ? Outcome.TRY_FAILED : Outcome.OK;
        assertEquals(expected, fence.tryBranch(xid(seq), "b", new byte[0]).outcome(), where);
      }
    }

    private void step(int calls, String at) {
      int dice = random.nextInt(100);
      if (dice < 55) {
        sendWindow(calls, at);
      } else if (dice < 67 && watermark > 0) {
        long old = 1 + random.nextInt((int) watermark);
        Phase2Ack ack = deliver(call(old, term), at);
        assertEquals(Outcome.OK, Outcome.fromCode(ack.getOutcome()), at + ": duplicate " + old);
      } else if (dice < 72) {
        deposedTerm = term;
        term++;
      } else if (dice < 84 && deposedTerm > 0) {
        deposedCall(calls, at);
      } else if (dice < 90) {
        failNextPhase2.set(true);
      } else {
        lateTry(at);
      }
    }

    /** The leader's window from its watermark, sometimes reordered (a resend after reconnect). */
    private void sendWindow(int calls, String at) {
      List<Long> window = new ArrayList<>();
      for (long seq = watermark + 1; seq <= Math.min(calls, watermark + 1 + random.nextInt(5));
          seq++) {
        window.add(seq);
      }
      if (random.nextInt(3) == 0) {
        Collections.shuffle(window, random);
      }
      for (long seq : window) {
        Phase2Ack ack = deliver(call(seq, term), at);
        Outcome outcome = Outcome.fromCode(ack.getOutcome());
        assertTrue(outcome == Outcome.OK || outcome == Outcome.SEQ_GAP
            || outcome == Outcome.PHASE2_FAILED, at + ": seq " + seq + " answered " + ack);
      }
    }

    /** The deposed leader is still sending: refused once the participant saw the newer term. */
    private void deposedCall(int calls, String at) {
      long seq = 1 + random.nextInt(calls);
      long seen = store.watermark(P).highestTerm();
      Phase2Ack ack = deliver(call(seq, deposedTerm), at);
      if (deposedTerm < seen) {
        assertEquals(Outcome.STALE_TERM, Outcome.fromCode(ack.getOutcome()), at);
      }
    }

    /** A try arriving after its branch's cancel was applied must be refused without running. */
    private void lateTry(String at) {
      for (long seq = watermark; seq >= 1; seq--) {
        if (plans.get((int) seq - 1) == Plan.NO_TRY_CANCEL) {
          assertEquals(Outcome.TRY_AFTER_CANCEL,
              fence.tryBranch(xid(seq), "b", new byte[0]).outcome(), at + ": late try " + seq);
          return;
        }
      }
    }

    private Phase2Ack deliver(Phase2Call call, String at) {
      Phase2Ack ack = fence.apply(call);
      assertEquals(call.getSeq(), ack.getSeq(), at);
      if (ack.getOutcome() == Outcome.OK.code() || ack.getOutcome() == Outcome.SEQ_GAP.code()) {
        // The leader's watermark only moves through acks, as the replicated one does.
        watermark = Math.max(watermark, ack.getAppliedSeq());
      }
      return ack;
    }

    private Phase2Call call(long seq, long callTerm) {
      Plan plan = plans.get((int) seq - 1);
      return plan == Plan.TRIED_CONFIRM
          ? Calls.confirm(P, seq, callTerm, xid(seq)) : Calls.cancel(P, seq, callTerm, xid(seq));
    }

    private void verify(int calls) {
      List<Long> expected = new ArrayList<>();
      for (long seq = 1; seq <= calls; seq++) {
        Plan plan = plans.get((int) seq - 1);
        if (plan != Plan.NO_TRY_CANCEL) {
          expected.add(seq);
        }
        FenceState state = store.branch(P, xid(seq), "b").orElseThrow().state();
        assertEquals(expectedState(plan), state, where + ": branch of seq " + seq);
      }
      assertEquals(expected, resource.appliedSeqs(), where + ": the applied log");
      assertEquals(calls, store.watermark(P).appliedSeq(), where);
      long failedTryCancels = resource.succeeded(Phase.CANCEL).stream()
          .filter(RecordingResource.Call::tryFailed).count();
      assertEquals(plans.stream().filter(p -> p == Plan.FAILED_TRY_CANCEL).count(),
          failedTryCancels, where + ": cancels told the try failed");
    }

    private static FenceState expectedState(Plan plan) {
      switch (plan) {
        case TRIED_CONFIRM:
          return FenceState.CONFIRMED;
        case NO_TRY_CANCEL:
          return FenceState.CANCELLED_EMPTY;
        default:
          return FenceState.CANCELLED;
      }
    }

    private static String xid(long seq) {
      return "x" + seq;
    }
  }
}
