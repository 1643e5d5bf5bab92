package dev.sequent.coordinator.cluster;

import dev.sequent.coordinator.server.EmbeddedCluster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Settings for three-node test clusters on 127.0.0.1: quick elections, real RocksDB. */
final class ClusterFixture {
  private ClusterFixture() {}

  static Map<String, String> fastElections() {
    Map<String, String> settings = new LinkedHashMap<>();
    // Short enough to keep failover tests quick, long enough for a busy 2-core CI machine.
    settings.put("raft.electionTimeoutMinMs", "600");
    settings.put("raft.electionTimeoutMaxMs", "1200");
    settings.put("raft.requestTimeoutMs", "2000");
    return settings;
  }

  static EmbeddedCluster start(Path dir, Map<String, String> extra) {
    Map<String, String> settings = fastElections();
    settings.putAll(extra);
    return new EmbeddedCluster(3, dir, settings).start();
  }
}
