package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sequent.coordinator.config.ConfigException;
import dev.sequent.coordinator.config.ConfigKey;
import dev.sequent.coordinator.config.NodeConfig;
import dev.sequent.coordinator.server.ServerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics port: off by default for embedded nodes; the standalone server defaults it to the
 * client port + 1000 unless the file or the command line sets it (0 turns it off there too).
 */
class StandaloneMetricsPortTest {
  @TempDir Path dir;

  private static final String PEERS = "--cluster.peers=n1=127.0.0.1:7001:9001";

  @Test
  void embeddedNodesServeNoMetricsUnlessAsked() {
    NodeConfig config = NodeConfig.of(Map.of("cluster.peers", "n1=127.0.0.1:7001:9001",
        "node.id", "n1", "node.dataDir", "/tmp/x"));
    assertEquals(0, NodeMetrics.port(config));
    assertEquals("0", ConfigKey.METRICS_PORT.defaultValue());
  }

  @Test
  void theStandaloneServerDefaultsToTheClientPortPlus1000() {
    NodeConfig config = ServerMain.parse(new String[] {PEERS, "--node.id=n1",
        "--node.dataDir=/tmp/x"});
    assertEquals(10_001, NodeMetrics.port(config));
  }

  @Test
  void anExplicitPortWinsOnTheCommandLineOrInTheFile() throws Exception {
    NodeConfig off = ServerMain.parse(new String[] {PEERS, "--node.id=n1",
        "--node.dataDir=/tmp/x", "--metrics.port=0"});
    assertEquals(0, NodeMetrics.port(off));

    Path file = dir.resolve("n1.properties");
    Files.writeString(file, "cluster.peers=n1=127.0.0.1:7001:9001\nnode.id=n1\n"
        + "node.dataDir=/tmp/x\nmetrics.port=9400\n");
    assertEquals(9400, NodeMetrics.port(ServerMain.parse(new String[] {"--config",
        file.toString()})));
    assertEquals(9500, NodeMetrics.port(ServerMain.parse(new String[] {"--config",
        file.toString(), "--metrics.port=9500"})));
  }

  @Test
  void portsOutOfRangeAreConfigErrors() {
    assertThrows(ConfigException.class, () -> NodeMetrics.port(ServerMain.parse(new String[] {
        PEERS, "--node.id=n1", "--node.dataDir=/tmp/x", "--metrics.port=70000"})));
    assertThrows(ConfigException.class, () -> ServerMain.parse(new String[] {
        "--cluster.peers=n1=127.0.0.1:7001:65000", "--node.id=n1", "--node.dataDir=/tmp/x"}),
        "65000 + 1000 is no port: the key must be set");
  }
}
