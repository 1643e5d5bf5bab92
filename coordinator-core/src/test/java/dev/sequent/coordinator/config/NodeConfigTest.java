package dev.sequent.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration stops start-up with a message that names the key and the problem. */
class NodeConfigTest {
  static final String PEERS = "n1=127.0.0.1:7001:9001,n2=127.0.0.1:7002:9002";

  static Map<String, String> valid() {
    Map<String, String> settings = new HashMap<>();
    settings.put("cluster.peers", PEERS);
    settings.put("node.id", "n2");
    settings.put("node.dataDir", "/var/lib/sequent/n2");
    return settings;
  }

  static String refusal(Map<String, String> settings) {
    return assertThrows(ConfigException.class, () -> NodeConfig.of(settings)).getMessage();
  }

  @Test
  void aValidConfigIsParsedWithDefaults() {
    NodeConfig config = NodeConfig.of(valid());
    assertEquals("n2", config.self().id());
    assertEquals(9002, config.self().clientPort());
    assertEquals(2, config.peers().size());
    assertEquals(1000, config.longValue(ConfigKey.RAFT_ELECTION_TIMEOUT_MIN_MS));
    assertEquals("127.0.0.1", config.bindHost());
  }

  @Test
  void missingAndUnknownKeysAreNamed() {
    Map<String, String> noId = valid();
    noId.remove("node.id");
    assertTrue(refusal(noId).contains("node.id"));

    Map<String, String> typo = valid();
    typo.put("raft.electionTimeoutMs", "5");
    assertTrue(refusal(typo).contains("unknown config key 'raft.electionTimeoutMs'"));
  }

  @Test
  void badValuesAreNamed() {
    Map<String, String> notANumber = valid();
    notANumber.put("propose.queueMax", "lots");
    assertTrue(refusal(notANumber).contains("propose.queueMax must be a whole number"));

    Map<String, String> inverted = valid();
    inverted.put("raft.electionTimeoutMinMs", "3000");
    inverted.put("raft.electionTimeoutMaxMs", "2000");
    assertTrue(refusal(inverted).contains("raft.electionTimeoutMaxMs"));

    Map<String, String> sparseAppends = valid();
    sparseAppends.put("raft.appendIntervalMinMs", "251"); // election timeout min: 1000
    assertTrue(refusal(sparseAppends).contains("raft.appendIntervalMinMs (251) must be at most"
        + " a quarter of raft.electionTimeoutMinMs (1000)"));
    sparseAppends.put("raft.appendIntervalMinMs", "250");
    assertEquals(250,
        NodeConfig.of(sparseAppends).longValue(ConfigKey.RAFT_APPEND_INTERVAL_MIN_MS));

    Map<String, String> store = valid();
    store.put("store.type", "postgres");
    assertTrue(refusal(store).contains("store.type"));
  }

  @Test
  void badPeerListsAreRefused() {
    Map<String, String> notMember = valid();
    notMember.put("node.id", "n9");
    assertTrue(refusal(notMember).contains("not one of cluster.peers"));

    Map<String, String> badPort = valid();
    badPort.put("cluster.peers", "n1=127.0.0.1:7001:99999,n2=127.0.0.1:7002:9002");
    assertTrue(refusal(badPort).contains("out of 1..65535"));

    Map<String, String> shape = valid();
    shape.put("cluster.peers", "n1@127.0.0.1:7001,n2=127.0.0.1:7002:9002");
    assertTrue(refusal(shape).contains("id=host:raftPort:clientPort"));

    Map<String, String> twice = valid();
    twice.put("cluster.peers", "n1=127.0.0.1:7001:9001,n2=127.0.0.1:7001:9002");
    assertTrue(refusal(twice).contains("twice"));
  }

  @Test
  void aFileIsReadAndTheCommandLineOverridesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.properties");
    Files.writeString(file, "cluster.peers=" + PEERS + "\nnode.id=n1\nnode.dataDir=data/n1\n"
        + "expiry.sweepIntervalMs=500\n");
    NodeConfig config = NodeConfig.load(file, Map.of("node.id", "n2"));
    assertEquals("n2", config.self().id());
    assertEquals(500, config.longValue(ConfigKey.EXPIRY_SWEEP_INTERVAL_MS));

    ConfigException missing = assertThrows(ConfigException.class,
        () -> NodeConfig.load(dir.resolve("absent.properties"), Map.of()));
    assertTrue(missing.getMessage().contains("cannot read config file"));
  }
}
