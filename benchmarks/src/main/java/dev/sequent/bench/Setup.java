package dev.sequent.bench;

import dev.sequent.client.TccClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One benchmark's system: the coordinators (in the chosen layout), the participants, and the
 * initiator client (its tries go straight to the participants), reused across measured runs.
 */
final class Setup implements AutoCloseable {
  private final Coordinators coordinators;
  private final TccClient announcer;
  private final Participants participants;
  private final TccClient client;
  private final Router router;
  private final int payloadBytes;

  /** Forwards confirms to the load run being measured now. */
  private static final class Router implements Participants.ConfirmListener {
    volatile LoadRun current;

    @Override
    public void confirmed(String xid, String participant, long nanoTime) {
      LoadRun run = current;
      if (run != null) {
        run.confirmed(xid, participant, nanoTime);
      }
    }
  }

  private Setup(Coordinators coordinators, TccClient announcer, Participants participants,
      TccClient client, Router router, int payloadBytes) {
    this.router = router;
    this.payloadBytes = payloadBytes;
    this.coordinators = coordinators;
    this.announcer = announcer;
    this.participants = participants;
    this.client = client;
  }

  static Setup start(BenchOptions options, Path out, int branchesMax) throws Exception {
    Path dir = Bench.fresh(out, options.mode());
    Coordinators coordinators = options.layout().equals("one-jvm")
        ? new OneJvmCoordinators(dir.resolve("nodes"), Bench.nodeSettings(options))
        : new ProcessCoordinators(dir.resolve("nodes"), Bench.nodeSettings(options),
            options.nodeHeap(), options.nodeJvmOptions());
    TccClient announcer = null;
    Participants participants = null;
    try {
      coordinators.awaitLeader(60_000);
      announcer = TccClient.builder().seeds(coordinators.clientAddresses())
          .operationTimeoutMs(30_000).build();
      Router router = new Router();
      participants = new Participants(Math.max(options.participants(), 1),
          dir.resolve("participants"), announcer, router);
      TccClient.Builder builder = TccClient.builder().seeds(coordinators.clientAddresses())
          .operationTimeoutMs(30_000);
      participants.addresses().forEach(builder::participantEndpoint);
      return new Setup(coordinators, announcer, participants, builder.build(), router,
          options.payloadBytes());
    } catch (Exception | Error e) {
      if (participants != null) {
        participants.close();
      }
      Bench.closeQuietly(announcer);
      coordinators.close();
      throw e;
    }
  }

  Coordinators coordinators() {
    return coordinators;
  }

  List<String> participantIds() {
    return participants.ids();
  }

  /**
   * Load that is not measured, once per cluster before its first measured run: every JVM's JIT
   * compiles the hot paths while the work is the one that will be measured.
   */
  void warmUpJit(int concurrency, int branches, long jitWarmupMs) throws Exception {
    if (jitWarmupMs <= 0) {
      return;
    }
    Bench.OUT.printf("JIT warm-up: %d s of load at concurrency %d, not measured ...%n",
        jitWarmupMs / 1000, concurrency);
    LoadRun load = new LoadRun();
    router.current = load;
    load.run(client, participants.ids(), concurrency, branches, payloadBytes, jitWarmupMs, 1,
        null);
    router.current = null;
  }

  /** One measured run: warm-up, then {@code durationMs} measured, node samples around it. */
  Measured measure(int concurrency, int branches, long warmupMs, long durationMs,
      Consumer<LoadRun> atHalfTime) throws Exception {
    LoadRun load = new LoadRun();
    router.current = load;
    Map<String, Map<String, Double>>[] samples = new Map[2];
    long[] cpuBefore = new long[1];
    Thread sampler = new Thread(() -> {
      try {
        Thread.sleep(warmupMs);
        // The generator's CPU over the same window as the nodes': the measured one.
        cpuBefore[0] = loadGeneratorCpuNanos();
        samples[0] = coordinators.sample();
      } catch (Exception e) {
        samples[0] = Map.of();
      }
    }, "bench-sampler");
    sampler.setDaemon(true);
    sampler.start();
    load.run(client, participants.ids(), concurrency, branches, payloadBytes, warmupMs, durationMs,
        atHalfTime == null ? null : () -> atHalfTime.accept(load));
    sampler.join(10_000);
    samples[1] = coordinators.sample();
    long cpuAfter = loadGeneratorCpuNanos();
    router.current = null;
    return new Measured(load, durationMs, samples[0] == null ? Map.of() : samples[0],
        samples[1], (cpuAfter - cpuBefore[0]) / 1e9);
  }

  private static long loadGeneratorCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  TccClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    participants.close();
    Bench.closeQuietly(announcer);
    coordinators.close();
  }
}
