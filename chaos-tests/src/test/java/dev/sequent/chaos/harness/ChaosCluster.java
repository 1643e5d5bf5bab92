package dev.sequent.chaos.harness;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import dev.sequent.client.AdminClient;
import dev.sequent.client.AdminClient.NodeStatus;
import dev.sequent.client.TccClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.netcrusher.core.reactor.NioReactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.FrameConsumerResultCallback;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.lifecycle.Startables;

/**
 * A three-node coordinator cluster and the bank services, each in its own container on a network
 * this run creates, with every server port behind a {@link LinkProxy} on the network's gateway.
 * Nodes, banks and the test's clients all dial the proxies, so the harness can delay any link,
 * and a node's address survives its container's restart.
 *
 * <p>The faults a {@link Nemesis} injects act on this class: kill -9 and start a container, pause
 * and unpause it, cut links with iptables rules in a container's network namespace (entered from
 * the host with nsenter, so images need no iptables), and delay links. {@link #healAll()} undoes
 * every one of them. {@link #close()} removes everything the run created.
 */
final class ChaosCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChaosCluster.class);
  static final List<String> NODE_IDS = List.of("n1", "n2", "n3");
  static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  static final long COMMAND_TIMEOUT_MS = 15_000;

  /** One coordinator node: its container and the proxies of its Raft and client ports. */
  record Node(String id, GenericContainer<?> container, LinkProxy raft, LinkProxy client) {
    InetSocketAddress clientAddress() {
      return client.listen();
    }
  }

  /** One bank: its container, the proxy of its participant endpoint, its control port. */
  record Bank(String participant, String store, Map<String, Long> accounts,
      GenericContainer<?> container, LinkProxy endpoint) {
    static final int CONTROL_PORT = 8100;
  }

  private final DockerClient docker = DockerClientFactory.instance().client();
  private final Network network;
  private final InetAddress gateway;
  private final NioReactor reactor;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, Bank> banks = new LinkedHashMap<>();
  private final List<LinkProxy> proxies = new ArrayList<>();
  private final TccClient adminTcc;
  private final AdminClient admin;
  private final Path logDir;
  private final Map<String, ContainerLog> logs = new LinkedHashMap<>();
  private final List<FrameConsumerResultCallback> follows = new ArrayList<>();

  private ChaosCluster(Network network, InetAddress gateway, NioReactor reactor,
      TccClient adminTcc, Path logDir) {
    this.logDir = logDir;
    this.network = network;
    this.gateway = gateway;
    this.reactor = reactor;
    this.adminTcc = adminTcc;
    this.admin = AdminClient.of(adminTcc);
  }

  /**
   * Starts the nodes, waits (bounded) for a leader, then starts the banks, each holding its
   * accounts.
   *
   * @param banks per participant id, its store kind ("rocks" or "sql") and its accounts
   */
  static ChaosCluster start(Path repo, Path module, Map<String, BankSpec> banks, long seed)
      throws Exception {
    Network network = Network.newNetwork();
    NioReactor reactor = new NioReactor(5);
    ChaosCluster cluster = null;
    try {
      InetAddress gateway = gatewayOf(network);
      List<InetSocketAddress> nodeClientAddresses = new ArrayList<>();
      Map<String, InetSocketAddress[]> ports = new LinkedHashMap<>();
      for (String id : NODE_IDS) {
        InetSocketAddress raft = new InetSocketAddress(gateway, freePort(gateway));
        InetSocketAddress client = new InetSocketAddress(gateway, freePort(gateway));
        ports.put(id, new InetSocketAddress[] {raft, client});
        nodeClientAddresses.add(client);
      }
      TccClient adminTcc = TccClient.builder().seeds(nodeClientAddresses)
          .operationTimeoutMs(5_000).requestTimeoutMs(2_000).build();
      cluster = new ChaosCluster(network, gateway, reactor, adminTcc,
          module.resolve("target/chaos/logs"));
      cluster.startNodes(ChaosImages.coordinator(repo), ports, seed);
      cluster.awaitLeader(START_TIMEOUT.toMillis());
      cluster.startBanks(ChaosImages.bank(module), banks, nodeClientAddresses, seed);
      return cluster;
    } catch (Exception | Error e) {
      if (cluster != null) {
        cluster.close();
      } else {
        reactor.close();
        network.close();
      }
      throw e;
    }
  }

  /** What a bank runs with. */
  record BankSpec(String store, Map<String, Long> accounts) {}

  private void startNodes(ImageFromDockerfile image, Map<String, InetSocketAddress[]> ports,
      long seed) throws Exception {
    StringBuilder peers = new StringBuilder();
    ports.forEach((id, addresses) -> peers.append(peers.length() == 0 ? "" : ",").append(id)
        .append('=').append(gateway.getHostAddress()).append(':')
        .append(addresses[0].getPort()).append(':').append(addresses[1].getPort()));
    List<GenericContainer<?>> containers = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, InetSocketAddress[]> entry : ports.entrySet()) {
      String id = entry.getKey();
      GenericContainer<?> container = new GenericContainer<>(image)
          .withNetwork(network).withNetworkAliases(id)
          .withEnv("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC")
          .withCommand("--cluster.peers=" + peers, "--node.id=" + id,
              "--node.bindHost=0.0.0.0", "--node.dataDir=/data",
              // Snapshots (and installs to restarted followers) happen within a CI-sized run.
              "--raft.snapshotThresholdEntries=400", "--raft.purgeGapEntries=100",
              "--dispatch.backoffMaxMs=1000")
          .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withInit(true)
              .withMemory(512L << 20))
          .withLogConsumer(logFile(id))
          .waitingFor(Wait.forLogMessage(".*Node " + id + " is up.*", 1)
              .withStartupTimeout(START_TIMEOUT));
      LinkProxy raft = new LinkProxy(id + "-raft", entry.getValue()[0], seed + index++);
      LinkProxy client = new LinkProxy(id + "-client", entry.getValue()[1], seed + index++);
      proxies.add(raft);
      proxies.add(client);
      nodes.put(id, new Node(id, container, raft, client));
      containers.add(container);
    }
    Startables.deepStart(containers.stream()).get(START_TIMEOUT.toMillis(),
        TimeUnit.MILLISECONDS);
    for (Node node : nodes.values()) {
      connectProxies(node);
    }
  }

  private void startBanks(ImageFromDockerfile image, Map<String, BankSpec> specs,
      List<InetSocketAddress> coordinators, long seed) throws Exception {
    StringBuilder seeds = new StringBuilder();
    for (InetSocketAddress node : coordinators) {
      seeds.append(seeds.length() == 0 ? "" : ",").append(node.getAddress().getHostAddress())
          .append(':').append(node.getPort());
    }
    List<GenericContainer<?>> containers = new ArrayList<>();
    int index = 100;
    for (Map.Entry<String, BankSpec> entry : specs.entrySet()) {
      String participant = entry.getKey();
      BankSpec spec = entry.getValue();
      int port = freePort(gateway);
      StringBuilder accounts = new StringBuilder();
      spec.accounts().forEach((id, money) -> accounts.append(accounts.length() == 0 ? "" : ",")
          .append(id).append(':').append(money));
      GenericContainer<?> container = new GenericContainer<>(image)
          .withNetwork(network).withNetworkAliases(participant)
          .withCommand("--participant=" + participant, "--store=" + spec.store(),
              "--data=/data", "--endpointPort=" + port,
              "--advertise=" + gateway.getHostAddress() + ":" + port,
              "--controlPort=" + Bank.CONTROL_PORT, "--coordinators=" + seeds,
              "--accounts=" + accounts)
          .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withInit(true)
              .withMemory(384L << 20))
          .withLogConsumer(logFile(participant))
          .waitingFor(Wait.forLogMessage(".*Bank node " + participant + " ready.*", 1)
              .withStartupTimeout(START_TIMEOUT));
      LinkProxy endpoint = new LinkProxy(participant + "-endpoint",
          new InetSocketAddress(gateway, port), seed + index++);
      proxies.add(endpoint);
      banks.put(participant, new Bank(participant, spec.store(), spec.accounts(), container,
          endpoint));
      containers.add(container);
    }
    Startables.deepStart(containers.stream()).get(START_TIMEOUT.toMillis(),
        TimeUnit.MILLISECONDS);
    for (Bank bank : banks.values()) {
      connectProxies(bank);
    }
  }

  private ContainerLog logFile(String name) {
    ContainerLog file = new ContainerLog(logDir.resolve(name + ".log"));
    logs.put(name, file);
    return file;
  }

  /**
   * Follows a restarted container's output into its log file again: Testcontainers follows a
   * container from its first start only, and its stream ends when the container is killed.
   */
  private void followAgain(String name, GenericContainer<?> container, int sinceEpochSecond) {
    FrameConsumerResultCallback callback = new FrameConsumerResultCallback();
    callback.addConsumer(OutputFrame.OutputType.STDOUT, logs.get(name));
    callback.addConsumer(OutputFrame.OutputType.STDERR, logs.get(name));
    docker.logContainerCmd(container.getContainerId()).withFollowStream(true).withStdOut(true)
        .withStdErr(true).withSince(sinceEpochSecond).exec(callback);
    synchronized (follows) {
      follows.add(callback);
    }
  }

  // ------------------------------------------------------------------ addresses

  Map<String, Node> nodes() {
    return nodes;
  }

  Map<String, Bank> banks() {
    return banks;
  }

  List<InetSocketAddress> clientAddresses() {
    return nodes.values().stream().map(Node::clientAddress).toList();
  }

  InetAddress gateway() {
    return gateway;
  }

  /** The container's own address on the run's network (re-inspected: restarts may change it). */
  InetAddress containerIp(GenericContainer<?> container) {
    InspectContainerResponse info = docker.inspectContainerCmd(container.getContainerId())
        .exec();
    for (ContainerNetwork attached : info.getNetworkSettings().getNetworks().values()) {
      if (network.getId().equals(attached.getNetworkID()) && attached.getIpAddress() != null
          && !attached.getIpAddress().isEmpty()) {
        try {
          return InetAddress.getByName(attached.getIpAddress());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalStateException(container.getContainerId() + " has no address on "
        + network.getId() + " (stopped?)");
  }

  /** Where the harness reads a bank's evidence: straight to the container, no proxy. */
  InetSocketAddress controlAddress(Bank bank) {
    return new InetSocketAddress(containerIp(bank.container()), Bank.CONTROL_PORT);
  }

  InetSocketAddress endpointAddress(Bank bank) {
    return bank.endpoint().listen();
  }

  private void connectProxies(Node node) {
    InetAddress ip = containerIp(node.container());
    node.raft().forwardTo(new InetSocketAddress(ip, node.raft().listen().getPort()), reactor);
    node.client().forwardTo(new InetSocketAddress(ip, node.client().listen().getPort()),
        reactor);
  }

  private void connectProxies(Bank bank) {
    InetAddress ip = containerIp(bank.container());
    bank.endpoint().forwardTo(new InetSocketAddress(ip, bank.endpoint().listen().getPort()),
        reactor);
  }

  // ------------------------------------------------------------------ leader

  /** Each reachable node's status (a paused or killed node is absent). */
  Map<String, NodeStatus> statuses() {
    Map<String, NodeStatus> statuses = new LinkedHashMap<>();
    for (Node node : nodes.values()) {
      try {
        statuses.put(node.id(), admin.nodeStatus(node.clientAddress())
            .get(2_000, TimeUnit.MILLISECONDS));
      } catch (Exception e) {
        log.debug("status of {}: {}", node.id(), e.toString());
      }
    }
    return statuses;
  }

  /** The node that is leader in the highest term any node reports and serves writes. */
  Optional<String> leader() {
    return statuses().values().stream()
        .filter(s -> s.role() == AdminClient.Role.LEADER && s.leaderReady())
        .max((a, b) -> Long.compare(a.term(), b.term()))
        .map(NodeStatus::nodeId);
  }

  /** Waits (bounded) for a ready leader; returns it. */
  String awaitLeader(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      Optional<String> leader = leader();
      if (leader.isPresent()) {
        return leader.get();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no leader within " + timeoutMs + " ms; statuses: "
        + statuses());
  }

  // ------------------------------------------------------------------ faults

  /** kill -9 of the whole container (the node or bank process dies at once). */
  void kill(GenericContainer<?> container) {
    docker.killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
  }

  /** Starts a killed container again; its data directory is kept. */
  void restart(String name) {
    Node node = nodes.get(name);
    GenericContainer<?> container = node != null ? node.container()
        : banks.get(name).container();
    int since = (int) (System.currentTimeMillis() / 1000);
    docker.startContainerCmd(container.getContainerId()).exec();
    followAgain(name, container, since);
    if (node != null) {
      connectProxies(node);
    } else {
      connectProxies(banks.get(name));
    }
  }

  boolean running(GenericContainer<?> container) {
    Boolean running = docker.inspectContainerCmd(container.getContainerId()).exec().getState()
        .getRunning();
    return Boolean.TRUE.equals(running);
  }

  boolean paused(GenericContainer<?> container) {
    Boolean paused = docker.inspectContainerCmd(container.getContainerId()).exec().getState()
        .getPaused();
    return Boolean.TRUE.equals(paused);
  }

  void pause(GenericContainer<?> container) {
    docker.pauseContainerCmd(container.getContainerId()).exec();
  }

  void unpause(GenericContainer<?> container) {
    docker.unpauseContainerCmd(container.getContainerId()).exec();
  }

  /**
   * Cuts what {@code from} sends to {@code to}'s proxied port: its packets to the proxy and the
   * proxy's packets back are dropped in {@code from}'s network namespace. Connections in flight
   * stall; new ones time out.
   */
  void cut(GenericContainer<?> from, LinkProxy to) throws IOException, InterruptedException {
    String port = String.valueOf(to.listen().getPort());
    String gw = gateway.getHostAddress();
    iptables(from, "-A", "OUTPUT", "-p", "tcp", "-d", gw, "--dport", port, "-j", "DROP");
    iptables(from, "-A", "INPUT", "-p", "tcp", "-s", gw, "--sport", port, "-j", "DROP");
  }

  /** Removes every cut made in the container's namespace (a restarted one has none). */
  void uncut(GenericContainer<?> container) throws IOException, InterruptedException {
    if (running(container) && !paused(container)) {
      iptables(container, "-F");
    }
  }

  private void iptables(GenericContainer<?> container, String... rule)
      throws IOException, InterruptedException {
    Long pid = docker.inspectContainerCmd(container.getContainerId()).exec().getState()
        .getPidLong();
    if (pid == null || pid == 0) {
      throw new IllegalStateException(container.getContainerId() + " is not running");
    }
    List<String> command = new ArrayList<>(List.of("nsenter", "-t", pid.toString(), "-n",
        "iptables", "-w", "5"));
    command.addAll(List.of(rule));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    String output = new String(process.getInputStream().readAllBytes());
    if (process.exitValue() != 0) {
      throw new IllegalStateException(command + " exited " + process.exitValue() + ": "
          + output);
    }
  }

  /** Every proxy, for delays. */
  List<LinkProxy> proxies() {
    return proxies;
  }

  /**
   * Undoes every fault: unpauses, starts what was killed, removes cuts, clears delays. Safe to
   * call at any time, more than once.
   */
  void healAll() throws IOException, InterruptedException {
    for (String name : names()) {
      GenericContainer<?> container = container(name);
      if (paused(container)) {
        unpause(container);
      }
      if (!running(container)) {
        restart(name);
      } else {
        uncut(container);
      }
    }
    proxies.forEach(LinkProxy::clearDelays);
  }

  List<String> names() {
    return Stream.concat(nodes.keySet().stream(), banks.keySet().stream()).toList();
  }

  GenericContainer<?> container(String name) {
    Node node = nodes.get(name);
    return node != null ? node.container() : banks.get(name).container();
  }

  @Override
  public void close() {
    for (String name : names()) {
      GenericContainer<?> container = container(name);
      try {
        if (paused(container)) {
          unpause(container);
        }
      } catch (RuntimeException e) {
        log.debug("unpause {} at close: {}", name, e.toString());
      }
      container.stop();
    }
    proxies.forEach(LinkProxy::close);
    synchronized (follows) {
      for (FrameConsumerResultCallback follow : follows) {
        try {
          follow.close();
        } catch (IOException e) {
          log.debug("closing a log follower: {}", e.toString());
        }
      }
    }
    logs.values().forEach(ContainerLog::close);
    reactor.close();
    adminTcc.close();
    network.close();
  }

  // ------------------------------------------------------------------ helpers

  private static InetAddress gatewayOf(Network network) throws IOException {
    DockerClient docker = DockerClientFactory.instance().client();
    String gateway = docker.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam()
        .getConfig().get(0).getGateway();
    if (gateway == null || gateway.isEmpty()) {
      throw new IllegalStateException("network " + network.getId() + " has no gateway");
    }
    return InetAddress.getByName(gateway);
  }

  /** A port free on the gateway address now (the proxy binds it moments later). */
  private static int freePort(InetAddress gateway) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, gateway)) {
      return socket.getLocalPort();
    }
  }
}
