package dev.sequent.bench;

import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The three nodes in this JVM ({@link EmbeddedCluster}); CPU and heap are the whole JVM's. */
final class OneJvmCoordinators implements Coordinators {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EmbeddedCluster cluster;

  OneJvmCoordinators(Path dir, Map<String, String> settings) {
    cluster = new EmbeddedCluster(3, dir, settings, registry).start();
  }

  @Override
  public String layout() {
    return "one-jvm";
  }

  @Override
  public List<InetSocketAddress> clientAddresses() {
    return cluster.clientAddresses();
  }

  @Override
  public String awaitLeader(long timeoutMs) throws Exception {
    return cluster.awaitLeader(timeoutMs).id();
  }

  @Override
  public String killLeader() throws Exception {
    String leader = cluster.awaitLeader(30_000).id();
    cluster.stop(leader);
    return leader;
  }

  @Override
  public Map<String, Map<String, Double>> sample() {
    Map<String, Map<String, Double>> nodes = new LinkedHashMap<>();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    for (CoordinatorNode node : cluster.runningNodes()) {
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("cpuNanos", (double) os.getProcessCpuTime());
      values.put("heapBytes", heap);
      DistributionSummary batches = registry.find("sequent.proposer.commands.per.entry")
          .tag("node", node.id()).summary();
      values.put("batchCount", batches == null ? 0.0 : batches.count());
      values.put("batchSum", batches == null ? 0.0 : batches.totalAmount());
      nodes.put(node.id(), values);
    }
    return nodes;
  }

  @Override
  public void gc() {
    System.gc();
  }

  @Override
  public void close() {
    cluster.close();
  }
}
