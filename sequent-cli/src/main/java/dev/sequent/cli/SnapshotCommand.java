package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code snapshot}: have one node (or every node given) snapshot its state now. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = {"Take a snapshot now on one node (--node), or on every node of --nodes.",
        "A node with nothing applied since its latest snapshot answers that snapshot's index."})
final class SnapshotCommand implements Callable<Integer> {
  /** A checkpoint of a large store takes a while; never wait less than this. */
  static final long SNAPSHOT_WAIT_MS_MIN = 60_000;

  @Spec CommandSpec spec;

  @Option(names = "--node", paramLabel = "HOST:PORT",
      description = "The node (its client port) to snapshot.")
  String node;

  @Override
  public Integer call() {
    try (Session session = SequentCli.root(spec).session(spec)) {
      List<InetSocketAddress> targets = targets(session);
      long waitMs = Math.max(session.timeoutMs, SNAPSHOT_WAIT_MS_MIN);
      List<CompletableFuture<AdminClient.Snapshot>> calls = new ArrayList<>();
      for (InetSocketAddress target : targets) {
        calls.add(session.admin().triggerSnapshot(target, waitMs));
      }
      List<Object> json = new ArrayList<>();
      Table table = new Table("NODE", "ADDRESS", "SNAPSHOT_INDEX");
      CliFailure firstFailure = null;
      int failures = 0;
      for (int i = 0; i < targets.size(); i++) {
        String address = SequentCli.describe(targets.get(i));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("address", address);
        try {
          AdminClient.Snapshot snapshot =
              session.awaitNode(calls.get(i), waitMs, targets.get(i));
          row.put("id", snapshot.nodeId());
          row.put("snapshotIndex", snapshot.index());
          table.row(snapshot.nodeId(), address, snapshot.index());
        } catch (CliFailure e) {
          failures++;
          firstFailure = firstFailure == null ? e : firstFailure;
          row.put("error", e.getMessage());
          table.row("?", address, "failed: " + e.getMessage());
        }
        json.add(row);
      }
      if (failures == targets.size() && targets.size() == 1) {
        throw firstFailure;
      }
      if (session.json) {
        session.printJson(Map.of("snapshots", json));
      } else {
        table.print(session.out);
      }
      if (failures == 0) {
        return 0;
      }
      return failures == targets.size() ? firstFailure.exitCode() : CliFailure.REFUSED;
    }
  }

  private List<InetSocketAddress> targets(Session session) {
    if (node == null) {
      return session.nodes;
    }
    InetSocketAddress target = SequentCli.address(node);
    if (target == null) {
      throw new ParameterException(spec.commandLine(), "--node '" + node + "' is not host:port");
    }
    return List.of(target);
  }
}
