package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code members list} and {@code members replace}: the Raft membership. See MEMBERSHIP.md. */
@Command(name = "members", mixinStandardHelpOptions = true,
    description = "The cluster's members: list them, replace a failed one.",
    subcommands = {MembersCommand.ListMembers.class, MembersCommand.Replace.class},
    synopsisSubcommandLabel = "(list | replace)")
final class MembersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: list or replace");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The members as the leader knows them, in cluster.peers form.")
  static final class ListMembers implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Session session = SequentCli.root(spec).session(spec)) {
        List<AdminClient.Member> members = reachableMembers(session);
        if (session.json) {
          session.printJson(Map.of("members", Formats.members(members)));
        } else {
          printMembers(session.out, members);
        }
        return 0;
      }
    }
  }

  @Command(name = "replace", mixinStandardHelpOptions = true,
      description = {"Replace a failed member by a new node in one membership change.",
          "Stop the failed node first. The command prints how to start the new node (an empty "
              + "data directory, cluster.peers naming the new membership), then waits while the "
              + "leader brings it up to date and commits the new membership."})
  static final class Replace implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--old", required = true, paramLabel = "ID",
        description = "The failed member's node id.")
    String oldId;

    @Option(names = "--new", required = true, paramLabel = "ID=HOST:RAFT_PORT:CLIENT_PORT",
        description = "The new node, as in cluster.peers.")
    String newSpec;

    @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "120000",
        description = "How long to wait for the new node to catch up (default: ${DEFAULT-VALUE}).")
    long waitMs;

    @Override
    public Integer call() {
      AdminClient.Member joining = parse(newSpec);
      if (waitMs < 1) {
        throw new ParameterException(spec.commandLine(), "--wait-ms must be positive");
      }
      try (Session session = SequentCli.root(spec).session(spec)) {
        List<AdminClient.Member> members = reachableMembers(session);
        List<AdminClient.Member> next = precheck(members, joining);
        String peers = next.stream().map(Formats::peer).collect(Collectors.joining(","));
        // With --json, stdout carries only the final document: the guidance goes to stderr.
        PrintWriter guide = session.json ? session.err : session.out;
        if (members.stream().anyMatch(m -> m.nodeId().equals(joining.nodeId()))) {
          guide.println(oldId + " was already replaced by " + joining.nodeId()
              + "; asking the leader to confirm.");
        } else {
          guide.println("Replacing " + oldId + " by " + joining.nodeId() + " (raft "
              + joining.host() + ":" + joining.raftPort() + ", client " + joining.host() + ":"
              + joining.clientPort() + ").");
          guide.println("Next step: start " + joining.nodeId() + " now, with an empty data "
              + "directory and:");
          guide.println("  --node.id=" + joining.nodeId() + " --cluster.peers=" + peers);
          guide.println("Waiting up to " + waitMs / 1000 + " s for " + joining.nodeId()
              + " to catch up and the new membership to commit...");
        }
        guide.flush();
        List<AdminClient.Member> now = session.await(
            session.admin().replaceMember(oldId, joining, waitMs), waitMs);
        String finalPeers = now.stream().map(Formats::peer).collect(Collectors.joining(","));
        if (session.json) {
          Map<String, Object> document = new LinkedHashMap<>();
          document.put("replaced", oldId);
          document.put("by", joining.nodeId());
          document.put("members", Formats.members(now));
          document.put("clusterPeers", finalPeers);
          session.printJson(document);
          return 0;
        }
        session.out.println("Done: the members are now " + now.stream()
            .map(AdminClient.Member::nodeId).collect(Collectors.joining(", ")) + ".");
        printMembers(session.out, now);
        session.out.println("Then: set cluster.peers=" + finalPeers + " in every node's "
            + "configuration, add " + joining.host() + ":" + joining.clientPort()
            + " to the node lists of clients (and " + SequentCli.NODES_ENV + "), and never "
            + "restart " + oldId + " with its old data directory.");
        session.out.flush();
        return 0;
      }
    }

    /** The membership after the replacement; refuses what the leader would refuse anyway. */
    private List<AdminClient.Member> precheck(List<AdminClient.Member> members,
        AdminClient.Member joining) {
      boolean oldIn = members.stream().anyMatch(m -> m.nodeId().equals(oldId));
      boolean newIn = members.stream().anyMatch(m -> m.nodeId().equals(joining.nodeId()));
      String ids = members.stream().map(AdminClient.Member::nodeId)
          .collect(Collectors.joining(", "));
      if (!oldIn && !newIn) {
        throw CliFailure.refused(oldId + " is not a member (members: " + ids + ")");
      }
      if (oldIn && newIn) {
        throw CliFailure.refused(joining.nodeId() + " is already a member (members: " + ids
            + ")");
      }
      List<AdminClient.Member> next = new ArrayList<>();
      members.stream().filter(m -> !m.nodeId().equals(oldId))
          .filter(m -> !m.nodeId().equals(joining.nodeId())).forEach(next::add);
      next.add(joining);
      return next;
    }

    private AdminClient.Member parse(String spec) {
      String[] idAndRest = spec.split("=", 2);
      String[] parts = idAndRest.length == 2 ? idAndRest[1].split(":") : new String[0];
      if (idAndRest.length != 2 || idAndRest[0].isBlank() || parts.length != 3
          || parts[0].isBlank()) {
        throw new ParameterException(this.spec.commandLine(),
            "--new must be ID=HOST:RAFT_PORT:CLIENT_PORT, was '" + spec + "'");
      }
      return new AdminClient.Member(idAndRest[0].trim(), parts[0].trim(), port(parts[1]),
          port(parts[2]));
    }

    private int port(String text) {
      try {
        int port = Integer.parseInt(text.trim());
        if (port >= 1 && port <= 65_535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // Reported below, with the option's name.
      }
      throw new ParameterException(spec.commandLine(),
          "--new: '" + text + "' is not a port in 1..65535");
    }
  }

  /** The members as the leader (or the most recent node) knows them; exit 3 when none answers. */
  static List<AdminClient.Member> reachableMembers(Session session) {
    ClusterView view = ClusterView.probe(session);
    if (!view.anyReachable()) {
      throw CliFailure.unreachable("cannot reach the cluster: no node answered (tried "
          + view.addresses() + ")");
    }
    return view.members();
  }

  static void printMembers(PrintWriter out, List<AdminClient.Member> members) {
    Table table = new Table("NODE", "RAFT_ADDRESS", "CLIENT_ADDRESS");
    for (AdminClient.Member member : members) {
      table.row(member.nodeId(), member.host() + ":" + member.raftPort(),
          member.clientPort() == 0 ? null : member.host() + ":" + member.clientPort());
    }
    table.print(out);
    out.println("cluster.peers=" + members.stream().map(Formats::peer)
        .collect(Collectors.joining(",")));
    out.flush();
  }
}
