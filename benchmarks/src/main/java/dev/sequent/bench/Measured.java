package dev.sequent.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured run's figures: the load's latencies and counts, and the node samples taken at the
 * start and end of the measured window (CPU, heap, proposer batches).
 */
record Measured(LoadRun load, long durationMs, Map<String, Map<String, Double>> before,
    Map<String, Map<String, Double>> after, double loadGeneratorCpuSeconds) {

  double txnsPerSecond() {
    return load.completed() * 1000.0 / durationMs;
  }

  /** Mean TCC commands per Raft entry over the window, summed over the nodes that proposed. */
  double commandsPerEntry() {
    double count = 0;
    double sum = 0;
    for (Map.Entry<String, Map<String, Double>> node : after.entrySet()) {
      Map<String, Double> start = before.getOrDefault(node.getKey(), Map.of());
      count += node.getValue().getOrDefault("batchCount", 0.0) - start.getOrDefault(
          "batchCount", 0.0);
      sum += node.getValue().getOrDefault("batchSum", 0.0) - start.getOrDefault("batchSum", 0.0);
    }
    return count <= 0 ? 0 : sum / count;
  }

  Map<String, Object> toJson(Setup setup, BenchOptions options, int concurrency, int branches) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("layout", setup.coordinators().layout());
    json.put("concurrency", concurrency);
    json.put("branchesPerTxn", branches);
    json.put("payloadBytes", options.payloadBytes());
    json.put("participants", setup.participantIds().size());
    json.put("durationMs", durationMs);
    json.put("jitWarmupMs", options.jitWarmupMs());
    json.put("warmupMs", options.warmupMs());
    json.put("txnsPerSecond", Math.round(txnsPerSecond()));
    json.put("txnsCompleted", load.completed());
    json.put("txnsFailed", load.failed());
    json.put("latencyMs", load.whole.summaryMs());
    json.put("decisionLatencyMs", load.decision.summaryMs());
    json.put("phaseTwoLatencyMs", load.phaseTwo.summaryMs());
    json.put("confirmLagMs", load.confirmLagMs());
    json.put("commandsPerEntry", Bench.round(commandsPerEntry(), 2));
    Map<String, Object> processes = new LinkedHashMap<>();
    double seconds = durationMs / 1000.0;
    for (Map.Entry<String, Map<String, Double>> node : after.entrySet()) {
      Map<String, Double> start = before.getOrDefault(node.getKey(), Map.of());
      Map<String, Object> figures = new LinkedHashMap<>();
      double cpu = (node.getValue().getOrDefault("cpuNanos", 0.0)
          - start.getOrDefault("cpuNanos", 0.0)) / 1e9;
      figures.put("cpuCores", Bench.round(cpu / seconds, 2));
      figures.put("heapUsedMB", Math.round(node.getValue().getOrDefault("heapBytes", 0.0)
          / (1 << 20)));
      processes.put(node.getKey(), figures);
    }
    json.put("coordinatorProcesses", processes);
    Map<String, Object> generator = new LinkedHashMap<>();
    generator.put("cpuCores", Bench.round(loadGeneratorCpuSeconds / seconds, 2));
    generator.put("note", setup.coordinators().layout().equals("one-jvm")
        ? "the coordinators run in this JVM: its CPU includes theirs"
        : "the load generator and the participants");
    json.put("loadGeneratorProcess", generator);
    return json;
  }
}
