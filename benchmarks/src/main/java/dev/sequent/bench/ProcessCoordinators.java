package dev.sequent.bench;

import dev.sequent.client.AdminClient;
import dev.sequent.client.AdminClient.NodeStatus;
import dev.sequent.client.TccClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Three coordinator processes on 127.0.0.1 ({@code ServerMain}, the standalone server's main
 * class, on this JVM's class path), each with its own data directory and log file. CPU time
 * comes from /proc, heap and proposer batches from each node's /metrics.
 */
final class ProcessCoordinators implements Coordinators {
  static final long CLK_TCK = 100; // Linux's USER_HZ for /proc/<pid>/stat on every platform we run

  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
  private final Map<String, InetSocketAddress> clientAddresses = new LinkedHashMap<>();
  private final List<String> commandPrefix;
  private final Map<String, List<String>> args = new LinkedHashMap<>();
  private final Path dir;
  private final TccClient adminTcc;
  private final AdminClient admin;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  ProcessCoordinators(Path dir, Map<String, String> settings, String heap,
      List<String> jvmOptions) throws IOException {
    this.dir = dir;
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String id = "n" + i;
      int raft = freePort();
      int client = freePort();
      peers.add(id + "=127.0.0.1:" + raft + ":" + client);
      clientAddresses.put(id, new InetSocketAddress("127.0.0.1", client));
      metricsPorts.put(id, freePort());
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> prefix = new ArrayList<>(List.of(java, "-Xmx" + heap));
    prefix.addAll(jvmOptions);
    prefix.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "dev.sequent.coordinator.server.ServerMain"));
    commandPrefix = List.copyOf(prefix);
    for (String id : clientAddresses.keySet()) {
      List<String> nodeArgs = new ArrayList<>();
      nodeArgs.add("--cluster.peers=" + String.join(",", peers));
      nodeArgs.add("--node.id=" + id);
      nodeArgs.add("--node.dataDir=" + dir.resolve(id));
      nodeArgs.add("--metrics.port=" + metricsPorts.get(id));
      settings.forEach((key, value) -> nodeArgs.add("--" + key + "=" + value));
      args.put(id, nodeArgs);
    }
    Files.createDirectories(dir.resolve("logs"));
    for (String id : args.keySet()) {
      start(id);
    }
    adminTcc = TccClient.builder().seeds(new ArrayList<>(clientAddresses.values()))
        .operationTimeoutMs(5_000).requestTimeoutMs(2_000).build();
    admin = AdminClient.of(adminTcc);
  }

  private void start(String id) throws IOException {
    List<String> command = new ArrayList<>();
    // "{node}" in a JVM option becomes the node's id, so each node can have its own file, e.g.
    // --node-jvm -XX:StartFlightRecording:filename=/tmp/prof/{node}.jfr (JDK 17 has no %p).
    commandPrefix.forEach(arg -> command.add(arg.replace("{node}", id)));
    command.addAll(args.get(id));
    Path log = dir.resolve("logs").resolve(id + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.put(id, process);
  }

  @Override
  public String layout() {
    return "three-processes";
  }

  @Override
  public List<InetSocketAddress> clientAddresses() {
    return new ArrayList<>(clientAddresses.values());
  }

  @Override
  public String awaitLeader(long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      for (Map.Entry<String, InetSocketAddress> node : clientAddresses.entrySet()) {
        if (!processes.get(node.getKey()).isAlive()) {
          continue;
        }
        try {
          NodeStatus status = admin.nodeStatus(node.getValue()).get(1, TimeUnit.SECONDS);
          if (status.role() == AdminClient.Role.LEADER && status.leaderReady()) {
            return status.nodeId();
          }
        } catch (Exception e) {
          // not up yet
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no leader within " + timeoutMs + " ms (logs in "
        + dir.resolve("logs") + ")");
  }

  @Override
  public String killLeader() throws Exception {
    String leader = awaitLeader(30_000);
    processes.get(leader).destroyForcibly(); // SIGKILL
    processes.get(leader).waitFor(10, TimeUnit.SECONDS);
    return leader;
  }

  @Override
  public Map<String, Map<String, Double>> sample() throws Exception {
    Map<String, Map<String, Double>> nodes = new LinkedHashMap<>();
    for (Map.Entry<String, Process> entry : processes.entrySet()) {
      if (!entry.getValue().isAlive()) {
        continue;
      }
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("cpuNanos", cpuNanos(entry.getValue().pid()));
      Map<String, Double> metrics = scrape(metricsPorts.get(entry.getKey()));
      values.put("heapBytes", metrics.getOrDefault("heap", 0.0));
      values.put("batchCount", metrics.getOrDefault("batchCount", 0.0));
      values.put("batchSum", metrics.getOrDefault("batchSum", 0.0));
      nodes.put(entry.getKey(), values);
    }
    return nodes;
  }

  @Override
  public void gc() throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    for (Process process : processes.values()) {
      if (process.isAlive()) {
        Process run = new ProcessBuilder(jcmd, String.valueOf(process.pid()), "GC.run")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!run.waitFor(30, TimeUnit.SECONDS)) {
          run.destroyForcibly();
        }
      }
    }
  }

  /** utime + stime of the process, from /proc/<pid>/stat (fields 14 and 15). */
  private static double cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * (1_000_000_000.0 / CLK_TCK);
  }

  /** Heap used, and the proposer's batch summary, from one scrape of the node's /metrics. */
  private Map<String, Double> scrape(int port) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      if (name.startsWith("jvm_memory_used_bytes{") && name.contains("area=\"heap\"")) {
        values.merge("heap", value, Double::sum);
      } else if (name.startsWith("sequent_proposer_commands_per_entry_count")) {
        values.merge("batchCount", value, Double::sum);
      } else if (name.startsWith("sequent_proposer_commands_per_entry_sum")) {
        values.merge("batchSum", value, Double::sum);
      }
    }
    return values;
  }

  @Override
  public void close() {
    adminTcc.close();
    for (Process process : processes.values()) {
      process.destroy();
    }
    for (Process process : processes.values()) {
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
