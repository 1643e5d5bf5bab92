package dev.sequent.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load generator's options ({@code --name value}); see benchmarks/README.md.
 *
 * @param mode run (one measured run and the Raft baseline), scaling, failover, or finished
 */
record BenchOptions(String mode, String layout, int concurrency, int branches, int payloadBytes,
    int participants, long jitWarmupMs, long warmupMs, long durationMs, long finishedTxns,
    String out,
    List<Integer> scalingConcurrency, List<Integer> scalingBranches, String nodeHeap,
    Map<String, String> nodeSettings, List<String> nodeJvmOptions) {

  static BenchOptions parse(String[] given) {
    // Maven's exec passes -Dbench.args="..." as one argument: split it on whitespace.
    String[] args = String.join(" ", given).trim().split("\\s+");
    String mode = "run";
    String layout = "three-processes";
    int concurrency = 64;
    int branches = 2;
    int payload = 64;
    int participants = 2;
    // Four JVMs on two cores: the nodes' C2 compilers were still taking a fifth of their CPU
    // 75 s into the load, and their compile time stopped growing about 90 s in (jstat).
    long jitWarmupMs = 60_000;
    long warmupMs = 30_000;
    long durationMs = 20_000;
    long finished = 1_000_000;
    String out = "target/bench";
    List<Integer> scalingConcurrency = List.of(1, 8, 64, 256);
    List<Integer> scalingBranches = List.of(1, 2, 4);
    String nodeHeap = "512m";
    Map<String, String> nodeSettings = new LinkedHashMap<>();
    List<String> nodeJvmOptions = List.of("-XX:+UseParallelGC");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.isBlank()) {
        continue;
      }
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--scaling" -> mode = "scaling";
        case "--failover" -> mode = "failover";
        case "--finished" -> mode = "finished";
        case "--one-jvm" -> layout = "one-jvm";
        case "--three-processes" -> layout = "three-processes";
        default -> {
          if (value == null) {
            throw new IllegalArgumentException("option " + arg + " needs a value");
          }
          i++;
          switch (arg) {
            case "--concurrency" -> concurrency = positive(arg, value);
            case "--branches" -> branches = positive(arg, value);
            case "--payload" -> payload = positive(arg, value);
            case "--participants" -> participants = positive(arg, value);
            case "--jit-warmup-s" -> jitWarmupMs = Math.max(0, Integer.parseInt(value)) * 1000L;
            case "--warmup-s" -> warmupMs = positive(arg, value) * 1000L;
            case "--duration-s" -> durationMs = positive(arg, value) * 1000L;
            case "--txns" -> finished = Long.parseLong(value);
            case "--out" -> out = value;
            case "--node-heap" -> nodeHeap = value;
            case "--node-jvm" -> nodeJvmOptions = List.of(value.split(","));
            case "--node-jvm-arg" -> { // one flag, unsplit: agent options hold commas
              List<String> more = new ArrayList<>(nodeJvmOptions);
              more.add(value);
              nodeJvmOptions = List.copyOf(more);
            }
            case "--set" -> {
              int equals = value.indexOf('=');
              if (equals < 1) {
                throw new IllegalArgumentException("--set takes key=value, was " + value);
              }
              nodeSettings.put(value.substring(0, equals), value.substring(equals + 1));
            }
            case "--scaling-concurrency" -> scalingConcurrency = list(value);
            case "--scaling-branches" -> scalingBranches = list(value);
            default -> throw new IllegalArgumentException("unknown option " + arg
                + " (see benchmarks/README.md)");
          }
        }
      }
    }
    return new BenchOptions(mode, layout, concurrency, branches, payload, participants,
        jitWarmupMs, warmupMs, durationMs, finished, out, scalingConcurrency, scalingBranches,
        nodeHeap, Map.copyOf(nodeSettings), nodeJvmOptions);
  }

  private static int positive(String option, String value) {
    int parsed = Integer.parseInt(value);
    if (parsed < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, was " + value);
    }
    return parsed;
  }

  private static List<Integer> list(String value) {
    return java.util.Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf)
        .toList();
  }
}
