package dev.sequent.chaos.checker;

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
 * The checker stays pure: no clock, no randomness, no threads in its sources, so the same
 * evidence always gives the same verdict. (This module has no ArchUnit; a source scan is enough
 * for one package.) The history package is exempt: it is the recorder, and reads a clock.
 */
class CheckerPurityTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/sequent/chaos/checker");
  private static final List<String> BANNED = List.of("System.currentTimeMillis",
      "System.nanoTime", "Instant.now", "Clock.", "LocalDateTime", "Random", "Thread",
      "Executor", "CompletableFuture", "java.util.concurrent", "synchronized", "volatile");

  @Test
  void theCheckerReadsNoClockAndStartsNoThread() throws IOException {
    List<String> found = new ArrayList<>();
    int files = 0;
    try (Stream<Path> sources = Files.list(SOURCES)) {
      for (Path source : (Iterable<Path>) sources::iterator) {
        files++;
        String text = Files.readString(source);
        for (String banned : BANNED) {
          if (text.contains(banned)) {
            found.add(source.getFileName() + ": " + banned);
          }
        }
      }
    }
    assertTrue(files > 10, "found the sources in " + SOURCES.toAbsolutePath());
    assertEquals(List.of(), found);
  }

  @Test
  void theSameEvidenceGivesTheSameReport() {
    Run run = BankScenario.correct();
    run.state("t1", dev.sequent.client.TxnState.CANCELLING);
    assertEquals(run.check(), run.copy().check());
    assertEquals(run.check().describe(), run.check().describe());
  }
}
