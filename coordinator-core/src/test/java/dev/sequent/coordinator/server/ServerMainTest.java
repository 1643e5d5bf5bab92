package dev.sequent.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.coordinator.config.ConfigException;
import dev.sequent.coordinator.config.NodeConfig;
import org.junit.jupiter.api.Test;

/** The launcher's command line: --config FILE and --key=value overrides, nothing else. */
class ServerMainTest {
  @Test
  void overridesAloneMakeAConfig() {
    NodeConfig config = ServerMain.parse(new String[] {
        "--cluster.peers=n1=127.0.0.1:7001:9001", "--node.id=n1", "--node.dataDir=/tmp/x"});
    assertEquals("n1", config.self().id());
  }

  @Test
  void strayArgumentsAreRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ServerMain.parse(new String[] {"start", "--node.id=n1"}));
    assertTrue(e.getMessage().contains("unexpected argument 'start'"));
    assertThrows(ConfigException.class, () -> ServerMain.parse(new String[] {"--config"}));
  }
}
