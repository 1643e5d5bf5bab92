package dev.sequent.bench;

import dev.sequent.client.TccClient;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load generator: {@code mvn -B -q -pl benchmarks exec:exec@bench -Dbench.args="..."}.
 * Modes (benchmarks/README.md has every option):
 *
 * <ul>
 *   <li>run (default): the no-op Raft baseline, then closed-loop TCC load against a three-node
 *       cluster; prints the figures and writes {@code target/bench/result.json};
 *   <li>{@code --scaling}: txns/s and p99 for each concurrency and branch count, one cluster,
 *       written as {@code target/bench/scaling.json};
 *   <li>{@code --failover}: load, the leader killed half way, the stall and the spike;
 *       {@code target/bench/failover.json};
 *   <li>{@code --finished}: runs until {@code --txns} txns finished, then each node's heap after a
 *       full GC; {@code target/bench/finished.json}.
 * </ul>
 */
public final class Bench {
  static final PrintStream OUT = System.out; // a program's report, not library logging

  private Bench() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options = BenchOptions.parse(args);
    Path out = Path.of(options.out());
    Files.createDirectories(out);
    Map<String, Object> result = switch (options.mode()) {
      case "run" -> run(options, out);
      case "scaling" -> scaling(options, out);
      case "failover" -> failover(options, out);
      case "finished" -> finished(options, out);
      default -> throw new IllegalArgumentException("unknown mode " + options.mode());
    };
    String name = options.mode().equals("run") ? "result.json" : options.mode() + ".json";
    Files.writeString(out.resolve(name), JsonWriter.write(result), StandardCharsets.UTF_8);
    OUT.println("written: " + out.resolve(name));
    System.exit(0); // Ratis and gRPC leave non-daemon threads behind after close
  }

  // ------------------------------------------------------------------ modes

  private static Map<String, Object> run(BenchOptions options, Path out) throws Exception {
    OUT.printf("Raft baseline: no-op state machine, 3 nodes in this JVM, concurrency %d ...%n",
        options.concurrency());
    RaftBaseline.Result baseline = RaftBaseline.run(fresh(out, "baseline"),
        nodeSettings(options),
        options.concurrency(), 200, options.warmupMs(), options.durationMs());
    OUT.printf("  %.0f entries/s, p50 %s ms, p99 %s ms%n", baseline.entriesPerSecond(),
        baseline.latency().summaryMs().get("p50"), baseline.latency().summaryMs().get("p99"));
    try (Setup setup = Setup.start(options, out, options.branches())) {
      setup.warmUpJit(options.concurrency(), options.branches(), options.jitWarmupMs());
      Measured measured = setup.measure(options.concurrency(), options.branches(),
          options.warmupMs(), options.durationMs(), null);
      Map<String, Object> json = measured.toJson(setup, options, options.concurrency(),
          options.branches());
      json.put("raftBaselineEntriesPerSecond", Math.round(baseline.entriesPerSecond()));
      json.put("raftBaseline", baseline.toJson());
      double tps = measured.txnsPerSecond();
      json.put("txnsPerRaftBaselineEntry", round(tps / baseline.entriesPerSecond(), 3));
      json.put("nodeSettings", options.nodeSettings());
      json.put("nodeJvmOptions", options.nodeJvmOptions());
      json.put("machine", machine());
      print(json);
      return json;
    }
  }

  private static Map<String, Object> scaling(BenchOptions options, Path out) throws Exception {
    int maxBranches = options.scalingBranches().stream().max(Integer::compare).orElse(1);
    List<Object> rows = new ArrayList<>();
    try (Setup setup = Setup.start(options, out, maxBranches)) {
      setup.warmUpJit(options.concurrency(), options.branches(), options.jitWarmupMs());
      OUT.printf("%-12s %-9s %10s %10s %10s %12s%n", "concurrency", "branches", "txns/s",
          "p50 ms", "p99 ms", "cmds/entry");
      for (int branches : options.scalingBranches()) {
        for (int concurrency : options.scalingConcurrency()) {
          Measured measured = setup.measure(concurrency, branches, options.warmupMs(),
              options.durationMs(), null);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("concurrency", concurrency);
          row.put("branchesPerTxn", branches);
          row.put("txnsPerSecond", Math.round(measured.txnsPerSecond()));
          row.put("latencyMs", measured.load().whole.summaryMs());
          row.put("commandsPerEntry", round(measured.commandsPerEntry(), 1));
          row.put("failed", measured.load().failed());
          rows.add(row);
          OUT.printf("%-12d %-9d %10.0f %10s %10s %12.1f%n", concurrency, branches,
              measured.txnsPerSecond(), measured.load().whole.summaryMs().get("p50"),
              measured.load().whole.summaryMs().get("p99"), measured.commandsPerEntry());
        }
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("layout", setup.coordinators().layout());
      json.put("rows", rows);
      json.put("machine", machine());
      return json;
    }
  }

  private static Map<String, Object> failover(BenchOptions options, Path out) throws Exception {
    try (Setup setup = Setup.start(options, out, options.branches())) {
      setup.warmUpJit(options.concurrency(), options.branches(), options.jitWarmupMs());
      String[] killed = new String[1];
      Measured measured = setup.measure(options.concurrency(), options.branches(),
          options.warmupMs(), options.durationMs(), load -> {
            try {
              load.markKill();
              killed[0] = setup.coordinators().killLeader();
            } catch (Exception e) {
              throw new IllegalStateException("could not kill the leader", e);
            }
          });
      Map<String, Object> json = measured.toJson(setup, options, options.concurrency(),
          options.branches());
      json.put("failover", Failover.report(measured.load(), killed[0]));
      json.put("machine", machine());
      print(json);
      return json;
    }
  }

  private static Map<String, Object> finished(BenchOptions options, Path out) throws Exception {
    try (Setup setup = Setup.start(options, out, options.branches())) {
      Map<String, Object> json = Finished.run(setup, options, OUT);
      json.put("machine", machine());
      return json;
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Node settings: the product's defaults, and whatever {@code --set key=value} overrides. */
  static Map<String, String> nodeSettings(BenchOptions options) {
    return new LinkedHashMap<>(options.nodeSettings());
  }

  static Path fresh(Path out, String name) throws IOException {
    Path dir = out.resolve("data").resolve(name + "-" + System.currentTimeMillis());
    Files.createDirectories(dir);
    return dir;
  }

  static Map<String, Object> machine() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty(
        "java.runtime.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("loadGeneratorMaxHeapMB",
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() >> 20);
    return machine;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static void print(Map<String, Object> json) {
    OUT.println(JsonWriter.write(json));
  }

  /** Keeps the client happy in a try-with-resources without a checked close. */
  static void closeQuietly(TccClient client) {
    if (client != null) {
      client.close();
    }
  }
}
