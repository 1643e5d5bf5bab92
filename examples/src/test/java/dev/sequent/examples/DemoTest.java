package dev.sequent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The demo itself, small: a real three-node cluster, real H2 and RocksDB services, 60 transfers.
 * Every check must pass and the exit status must say so, with and without killing the leader.
 */
class DemoTest {

  @Test
  void aSmallRunPassesEveryCheck() {
    String output = runDemo("--transfers", "60", "--concurrency", "8");
    assertTrue(output.contains("All 10 checks passed."), output);
  }

  @Test
  void aRunThatKillsTheLeaderPassesEveryCheck() {
    String output = runDemo("--transfers", "60", "--concurrency", "8", "--kill-leader");
    assertTrue(output.contains("! killed the leader"), output);
    assertTrue(output.contains("rejoined as a follower and caught up"), output);
    assertTrue(output.contains("All 11 checks passed."), output);
  }

  private static String runDemo(String... args) {
    long seed = Long.getLong("seed", System.nanoTime() % 1_000_000_000L);
    System.out.println("DemoTest seed " + seed + " (replay with -Dseed=" + seed + ")");
    String[] withSeed = new String[args.length + 4];
    System.arraycopy(args, 0, withSeed, 0, args.length);
    withSeed[args.length] = "--seed";
    withSeed[args.length + 1] = Long.toString(seed);
    withSeed[args.length + 2] = "--progress";
    withSeed[args.length + 3] = "lines";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = Demo.run(out, withSeed);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(output);
    assertEquals(0, exit, output);
    assertFalse(output.contains("FAIL"), output);
    assertTrue(output.contains("seed " + seed), "the seed is printed");
    return output;
  }
}
