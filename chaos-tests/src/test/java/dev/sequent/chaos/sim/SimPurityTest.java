package dev.sequent.chaos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator stays deterministic: no clock, no unseeded randomness, no threads in its sources,
 * so a seed replays a run step for step. (A source scan, like the checker's purity test: this
 * module has no ArchUnit.) Swarm alone reads System.nanoTime, for the wall-time figure of its
 * summary, never for anything a run does.
 */
class SimPurityTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/sequent/chaos/sim");
  private static final List<String> BANNED = List.of("System.currentTimeMillis",
      "System.nanoTime", "Instant.now", "Clock.", "LocalDateTime", "new Random",
      "ThreadLocalRandom", "SecureRandom", "new SplittableRandom()", "Math.random", "Thread",
      "Executor", "synchronized", "volatile", "UUID.randomUUID", "IdentityHashMap",
      "identityHashCode");

  @Test
  void theSimulatorReadsNoClockUsesOnlySeededRandomnessAndStartsNoThread() throws IOException {
    List<String> found = new ArrayList<>();
    int files = 0;
    try (Stream<Path> sources = Files.list(SOURCES)) {
      for (Path source : (Iterable<Path>) sources::iterator) {
        files++;
        String text = Files.readString(source);
        for (String banned : BANNED) {
          boolean wallClockFigure = source.endsWith("Swarm.java")
              && banned.equals("System.nanoTime");
          if (text.contains(banned) && !wallClockFigure) {
            found.add(source.getFileName() + ": " + banned);
          }
        }
      }
    }
    assertTrue(files > 10, "found the sources in " + SOURCES.toAbsolutePath());
    assertEquals(List.of(), found);
  }
}
