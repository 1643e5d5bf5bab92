package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import dev.sequent.client.TccClientException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every node the CLI knows says about itself: the --nodes first, then members whose client
 * address an answer named and that were not asked yet (a replacement the operator has not added
 * to --nodes). Nodes are asked in parallel, each once.
 */
final class ClusterView {

  /** One node's answer, or why there was none. */
  record Probe(InetSocketAddress address, AdminClient.NodeStatus status, String error) {
    boolean reachable() {
      return status != null;
    }
  }

  final List<Probe> probes;

  private ClusterView(List<Probe> probes) {
    this.probes = List.copyOf(probes);
  }

  static ClusterView probe(Session session) {
    List<Probe> probes = new ArrayList<>(ask(session, session.nodes));
    Set<String> asked = new HashSet<>();
    session.nodes.forEach(node -> asked.add(SequentCli.describe(node)));
    List<InetSocketAddress> more = new ArrayList<>();
    for (Probe probe : probes) {
      if (probe.reachable()) {
        for (AdminClient.Member member : probe.status().members()) {
          InetSocketAddress client = clientAddress(member);
          if (client != null && asked.add(SequentCli.describe(client))) {
            more.add(client);
          }
        }
      }
    }
    probes.addAll(ask(session, more));
    // One row per node: the same node reached under two names answers with one id.
    Map<String, Probe> byNode = new LinkedHashMap<>();
    for (Probe probe : probes) {
      String key = probe.reachable() ? probe.status().nodeId() : SequentCli.describe(
          probe.address());
      byNode.putIfAbsent(key, probe);
    }
    return new ClusterView(new ArrayList<>(byNode.values()));
  }

  private static List<Probe> ask(Session session, List<InetSocketAddress> nodes) {
    List<CompletableFuture<AdminClient.NodeStatus>> calls = new ArrayList<>();
    for (InetSocketAddress node : nodes) {
      calls.add(session.admin().nodeStatus(node));
    }
    List<Probe> probes = new ArrayList<>();
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
        session.timeoutMs + Session.SLACK_MS);
    for (int i = 0; i < nodes.size(); i++) {
      probes.add(await(nodes.get(i), calls.get(i), deadlineNs));
    }
    return probes;
  }

  private static Probe await(InetSocketAddress node, CompletableFuture<AdminClient.NodeStatus> call,
      long deadlineNs) {
    try {
      long waitNs = Math.max(0, deadlineNs - System.nanoTime());
      return new Probe(node, call.get(waitNs, TimeUnit.NANOSECONDS), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof TccClientException ? "unreachable" : String.valueOf(
          cause.getMessage());
      return new Probe(node, null, why);
    } catch (TimeoutException e) {
      call.cancel(true);
      return new Probe(node, null, "no answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(node, null, "interrupted");
    }
  }

  static InetSocketAddress clientAddress(AdminClient.Member member) {
    return member.clientPort() == 0 || member.host().isEmpty()
        ? null
        : InetSocketAddress.createUnresolved(member.host(), member.clientPort());
  }

  boolean anyReachable() {
    return probes.stream().anyMatch(Probe::reachable);
  }

  /** The node that says it leads; the highest term wins if a deposed one still thinks so. */
  Optional<Probe> leader() {
    return probes.stream().filter(Probe::reachable)
        .filter(p -> p.status().role() == AdminClient.Role.LEADER)
        .max(Comparator.comparingLong(p -> p.status().term()));
  }

  /** The members as the leader knows them, else as the answer with the highest term does. */
  List<AdminClient.Member> members() {
    Optional<Probe> source = leader().or(() -> probes.stream().filter(Probe::reachable)
        .max(Comparator.comparingLong(p -> p.status().term())));
    return source.map(p -> p.status().members()).orElse(List.of());
  }

  boolean membershipChanging() {
    return leader().map(p -> p.status().membershipChanging()).orElse(false);
  }

  /** The leader's applied index minus the node's: how far behind it is; null without leader. */
  Long lag(Probe probe) {
    if (!probe.reachable()) {
      return null;
    }
    return leader().map(l -> l.status().appliedIndex() - probe.status().appliedIndex())
        .orElse(null);
  }

  /** The client addresses the CLI was given or learned, for error messages. */
  String addresses() {
    return String.join(", ", probes.stream().map(p -> SequentCli.describe(p.address())).toList());
  }
}
