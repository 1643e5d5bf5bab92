package dev.sequent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The plan is a function of the seed: a seed printed by a run replays the same transfers. */
class WorkloadTest {

  @Test
  void theSameSeedPlansTheSameTransfers() {
    Workload a = Workload.generate(42, 1_000, 20);
    Workload b = Workload.generate(42, 1_000, 20);
    assertEquals(a.plans, b.plans);
    assertEquals(a.openings, b.openings);
    assertNotEquals(a.plans, Workload.generate(43, 1_000, 20).plans);
  }

  @Test
  void everyRunHasItsDesignedFailures() {
    Workload workload = Workload.generate(1, 1_000, 20);
    assertEquals(50, workload.count(Workload.Kind.OVERDRAFT));
    assertEquals(20, workload.count(Workload.Kind.HANG));
    assertEquals(40, workload.openings.size());
    Workload small = Workload.generate(1, 60, 20);
    assertEquals(3, small.count(Workload.Kind.OVERDRAFT));
    assertEquals(1, small.count(Workload.Kind.HANG));
    for (Workload.Plan plan : workload.plans) {
      assertNotEquals(DemoSystem.bankOf(plan.from()), DemoSystem.bankOf(plan.to()),
          "every transfer crosses banks: " + plan);
    }
  }
}
