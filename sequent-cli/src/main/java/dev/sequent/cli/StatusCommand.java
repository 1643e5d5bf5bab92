package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code status}: every node's role, term, applied index and lag behind the leader. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show every node: role, term, applied index and lag behind the leader.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Session session = SequentCli.root(spec).session(spec)) {
      ClusterView view = ClusterView.probe(session);
      if (!view.anyReachable()) {
        throw CliFailure.unreachable("cannot reach the cluster: no node answered (tried "
            + view.addresses() + ")");
      }
      if (session.json) {
        session.printJson(json(view));
      } else {
        print(session, view);
      }
      return 0;
    }
  }

  private static void print(Session session, ClusterView view) {
    String leaderId = view.leader().map(p -> p.status().nodeId()).orElse(null);
    Table table = new Table("NODE", "ADDRESS", "ROLE", "TERM", "APPLIED", "LAG", "COMMIT",
        "SNAPSHOT");
    for (ClusterView.Probe probe : view.probes) {
      if (!probe.reachable()) {
        table.row("?", SequentCli.describe(probe.address()), probe.error(), null, null, null,
            null, null);
        continue;
      }
      AdminClient.NodeStatus status = probe.status();
      table.row(status.nodeId() + (status.nodeId().equals(leaderId) ? " *" : ""),
          SequentCli.describe(probe.address()), status.role(), status.term(),
          status.appliedIndex(), view.lag(probe), status.commitIndex(),
          status.snapshotIndex() < 0 ? null : status.snapshotIndex());
    }
    table.print(session.out);
    session.out.println(leaderId == null
        ? "leader: none known (an election may be running)"
        : "leader: " + leaderId + " (marked *), term "
            + view.leader().orElseThrow().status().term());
    session.out.println("members: " + view.members().stream().map(AdminClient.Member::nodeId)
        .collect(Collectors.joining(", "))
        + (view.membershipChanging() ? " (a membership change is in progress)" : ""));
    session.out.flush();
  }

  static Map<String, Object> json(ClusterView view) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("leader", view.leader().map(p -> p.status().nodeId()).orElse(null));
    document.put("term", view.leader().map(p -> p.status().term()).orElse(null));
    List<Object> nodes = new ArrayList<>();
    for (ClusterView.Probe probe : view.probes) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("address", SequentCli.describe(probe.address()));
      node.put("reachable", probe.reachable());
      if (!probe.reachable()) {
        node.put("error", probe.error());
        nodes.add(node);
        continue;
      }
      AdminClient.NodeStatus status = probe.status();
      node.put("id", status.nodeId());
      node.put("role", status.role());
      node.put("leaderId", status.leaderId());
      node.put("term", status.term());
      node.put("appliedIndex", status.appliedIndex());
      node.put("lag", view.lag(probe));
      node.put("commitIndex", status.commitIndex());
      node.put("logStartIndex", status.logStartIndex());
      node.put("snapshotIndex", status.snapshotIndex());
      nodes.add(node);
    }
    document.put("nodes", nodes);
    document.put("members", Formats.members(view.members()));
    document.put("membershipChanging", view.membershipChanging());
    return document;
  }
}
