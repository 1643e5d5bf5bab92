package dev.sequent.coordinator.server;

import dev.sequent.coordinator.config.ConfigException;
import dev.sequent.coordinator.config.NodeConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one coordinator node: {@code ServerMain --config node.properties [--key=value ...]}.
 * Overrides on the command line win over the file. Exits 2 on bad configuration, 70 when the node's
 * state can no longer be trusted (a failed apply), 0 after SIGTERM once the node has stopped.
 */
public final class ServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);
  static final int EXIT_CONFIG = 2;
  static final int EXIT_FATAL = 70;

  private ServerMain() {}

  public static void main(String[] args) throws Exception {
    NodeConfig config;
    try {
      config = parse(args);
    } catch (ConfigException e) {
      System.err.println("sequent: bad configuration: " + e.getMessage());
      System.err.println("usage: ServerMain --config FILE [--key=value ...]");
      System.exit(EXIT_CONFIG);
      return;
    }
    CoordinatorNode node = CoordinatorNode.start(config, new SimpleMeterRegistry(),
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
    LOG.info("Node {} is up; clients connect to {}", node.id(), node.clientAddress());
    stopped.await();
  }

  static NodeConfig parse(String[] args) {
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
    return file == null ? NodeConfig.of(overrides) : NodeConfig.load(file, overrides);
  }
}
