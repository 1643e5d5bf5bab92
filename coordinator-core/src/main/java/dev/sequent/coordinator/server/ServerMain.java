package dev.sequent.coordinator.server;

import dev.sequent.coordinator.config.ConfigException;
import dev.sequent.coordinator.config.ConfigKey;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.metrics.NodeMetrics;
import dev.sequent.coordinator.raft.RaftNode;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one coordinator node: {@code ServerMain --config node.properties [--key=value ...]}.
 * Overrides on the command line win over the file. Exits 2 on bad configuration, 70 when the node's
 * state can no longer be trusted (a failed apply), 0 after SIGTERM once the node has stopped.
 *
 * <p>The node serves /metrics (Prometheus text, the node's meters plus the JVM's) and /health on
 * {@code metrics.port}; when neither the file nor the command line sets it, on the client port +
 * 1000. {@code --metrics.port=0} turns the endpoint off.
 */
public final class ServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);
  static final int EXIT_CONFIG = 2;
  static final int EXIT_FATAL = 70;

  private ServerMain() {}

  /** The JVM's own property; a value given on the command line wins. */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * Gives the JVM's common pool at least {@link RaftNode#COMMON_POOL_PARALLELISM_MIN} threads
   * before anything uses it. Ratis completes a follower's appends with {@code thenComposeAsync} on
   * that pool, and a pool of one (what a 2-core machine gets) makes CompletableFuture start a new
   * thread for every such task: 7% of each follower's CPU went to {@code Thread.start} under load.
   */
  private static void widenCommonPool() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, String.valueOf(Math.max(
          RaftNode.COMMON_POOL_PARALLELISM_MIN,
          Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

  public static void main(String[] args) throws Exception {
    widenCommonPool();
    NodeConfig config;
    try {
      config = parse(args);
      NodeMetrics.port(config);
    } catch (ConfigException e) {
      System.err.println("sequent: bad configuration: " + e.getMessage());
      System.err.println("usage: ServerMain --config FILE [--key=value ...]");
      System.exit(EXIT_CONFIG);
      return;
    }
    CoordinatorNode node = CoordinatorNode.start(config, processRegistry(),
        (what, cause) -> {
          LOG.error("FATAL: {}; halting so the node restarts from its log", what, cause);
          // halt, not exit: shutdown hooks would try to close a store we no longer trust.
          Runtime.getRuntime().halt(EXIT_FATAL);
        });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutdown requested");
      node.close();
      stopped.countDown();
    }, "sequent-shutdown"));
    LOG.info("Node {} is up; clients connect to {}, metrics at {}", node.id(),
        node.clientAddress(), node.metricsAddress().map(a -> "http://" + a.getHostString() + ":"
            + a.getPort() + "/metrics").orElse("(off)"));
    stopped.await();
  }

  /** One registry for the process: the node's meters and the JVM's, scraped together. */
  private static PrometheusMeterRegistry processRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    // Never closed: it lives as long as the process, whose exit ends it.
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Parses the command line into a configuration, giving metrics.port the standalone default
   * (client port + 1000) when neither the file nor the command line sets it.
   *
   * @throws ConfigException for a bad command line or configuration
   */
  public static NodeConfig parse(String[] args) {
    Path file = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--config")) {
        if (i + 1 >= args.length) {
          throw new ConfigException("--config needs a file");
        }
        file = Path.of(args[++i]);
      } else if (arg.startsWith("--") && arg.contains("=")) {
        int eq = arg.indexOf('=');
        overrides.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else {
        throw new ConfigException("unexpected argument '" + arg + "'");
      }
    }
    NodeConfig config = load(file, overrides);
    String metricsPort = ConfigKey.METRICS_PORT.key();
    if (overrides.containsKey(metricsPort) || (file != null && fileSets(file, metricsPort))) {
      return config;
    }
    overrides.put(metricsPort, String.valueOf(NodeMetrics.standalonePort(config)));
    return load(file, overrides);
  }

  private static NodeConfig load(Path file, Map<String, String> overrides) {
    return file == null ? NodeConfig.of(overrides) : NodeConfig.load(file, overrides);
  }

  private static boolean fileSets(Path file, String key) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return properties.containsKey(key);
  }
}
