package dev.sequent.chaos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator can fail: with a known bug planted at the boundary of a real component, it finds
 * a violation within the CI budget of seeds, names the seed and step, and that seed replays to
 * the same violation. Prints how many seeds each bug took.
 */
@ExtendWith(QuietLogs.class)
class PlantedBugTest {

  @ParameterizedTest
  @EnumSource(value = PlantedBug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void theSimulatorFindsThePlantedBugWithinItsBudget(PlantedBug bug) {
    SimConfig config = SimConfig.DEFAULT.withBug(bug);
    SimResult found = null;
    int seeds = 0;
    for (long seed = 1; seed <= SimulationTest.CI_SEEDS && found == null; seed++) {
      seeds++;
      SimResult result = new Simulation(seed, config).run();
      found = result.passed() ? null : result;
    }
    assertTrue(found != null, bug + " went unnoticed for " + seeds + " seeds");
    System.out.println("planted " + bug + ": found after " + seeds + " seeds: "
        + found.violations().get(0));
    assertTrue(found.violations().get(0).startsWith("seed=" + found.seed() + " step="),
        "the report names seed and step: " + found.violations().get(0));
    SimResult replayed = new Simulation(found.seed(), config).run();
    assertEquals(found, replayed, "seed " + found.seed() + " replays to the same violation");
  }
}
