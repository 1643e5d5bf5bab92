package dev.sequent.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Heap against finished txns: runs load in 30 s rounds until {@code --txns} txns finished, then
 * asks each node for a full GC and reads its heap. Finished txns live in RocksDB, on disk; the
 * heap should stay flat however many there are.
 */
final class Finished {
  static final long ROUND_MS = 30_000;

  private Finished() {}

  static Map<String, Object> run(Setup setup, BenchOptions options, PrintStream out)
      throws Exception {
    long finished = 0;
    long startNs = System.nanoTime();
    Map<String, Object> heapByRound = new LinkedHashMap<>();
    while (finished < options.finishedTxns()) {
      Measured round = setup.measure(options.concurrency(), options.branches(), 0, ROUND_MS,
          null);
      finished += round.load().completed();
      setup.coordinators().gc();
      Map<String, Object> heaps = heapMb(setup);
      heapByRound.put(String.valueOf(finished), heaps);
      out.printf("%,d txns finished (%.0f/s this round); heap after GC, MB: %s%n", finished,
          round.txnsPerSecond(), heaps);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("layout", setup.coordinators().layout());
    json.put("txnsFinished", finished);
    json.put("seconds", (System.nanoTime() - startNs) / 1_000_000_000L);
    json.put("heapAfterGcMBByTxnsFinished", heapByRound);
    return json;
  }

  private static Map<String, Object> heapMb(Setup setup) throws Exception {
    Map<String, Object> heaps = new LinkedHashMap<>();
    setup.coordinators().sample().forEach((node, values) ->
        heaps.put(node, Math.round(values.getOrDefault("heapBytes", 0.0) / (1 << 20))));
    return heaps;
  }
}
