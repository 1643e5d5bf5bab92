package dev.sequent.examples;

import dev.sequent.examples.bank.AppliedCall;
import dev.sequent.examples.bank.Phase2Listener;
import dev.sequent.examples.bank.TransferService;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * When each transfer began and when each of its confirms was applied by its bank, for the
 * latency a person cares about: from begin until the money has moved in both banks. The banks
 * report a confirm as they apply it, just before their local commit.
 */
final class Timeline implements Phase2Listener {
  private final Map<String, Long> beganNs = new ConcurrentHashMap<>();
  /** Keyed by xid + "/" + branch id; the first report wins (a retried call reports again). */
  private final Map<String, Long> confirmedNs = new ConcurrentHashMap<>();
  private final LongAdder phaseTwoCalls = new LongAdder();
  private final AtomicLong lastAppliedNs = new AtomicLong();

  void began(String xid) {
    beganNs.put(xid, System.nanoTime());
  }

  @Override
  public void applied(String participant, AppliedCall call) {
    long now = System.nanoTime();
    phaseTwoCalls.increment();
    lastAppliedNs.accumulateAndGet(now, Math::max);
    if (call.step() == AppliedCall.Step.CONFIRM) {
      confirmedNs.putIfAbsent(call.xid() + "/" + call.branchId(), now);
    }
  }

  /** Phase-2 calls the banks' resources applied so far (empty cancels are not among them). */
  long phaseTwoCalls() {
    return phaseTwoCalls.sum();
  }

  /** When the last phase-2 call was applied (System.nanoTime), 0 before any. */
  long lastAppliedNs() {
    return lastAppliedNs.get();
  }

  /** From begin to the later of the transfer's two confirms, when both were applied. */
  OptionalLong latencyNs(String xid) {
    Long began = beganNs.get(xid);
    Long debit = confirmedNs.get(xid + "/" + TransferService.DEBIT_BRANCH);
    Long credit = confirmedNs.get(xid + "/" + TransferService.CREDIT_BRANCH);
    if (began == null || debit == null || credit == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(debit, credit) - began);
  }
}
