package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import dev.sequent.client.AdminException;
import dev.sequent.client.TccClient;
import dev.sequent.client.TccClientException;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.tls.TlsSettings;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * What one command works with: the nodes, the timeout, the output mode and a client of the
 * cluster (connected lazily, closed at the end). Turns the client's failures into {@link
 * CliFailure}s with their exit codes and one readable line.
 */
final class Session implements AutoCloseable {
  /** One attempt at one node waits at most this long, so a dead host cannot eat the timeout. */
  static final long ATTEMPT_MS_MAX = 2_000;
  /** Extra wait beyond a call's own timeout: the call ends itself, this only bounds the wait. */
  static final long SLACK_MS = 2_000;

  final List<InetSocketAddress> nodes;
  final long timeoutMs;
  final boolean json;
  final PrintWriter out;
  final PrintWriter err;
  /** TLS to the nodes, or null for plaintext. */
  private final TlsSettings tls;
  private TccClient client;
  private AdminClient admin;

  Session(List<InetSocketAddress> nodes, long timeoutMs, boolean json, TlsSettings tls,
      PrintWriter out, PrintWriter err) {
    this.nodes = List.copyOf(nodes);
    this.timeoutMs = timeoutMs;
    this.json = json;
    this.tls = tls;
    this.out = out;
    this.err = err;
  }

  AdminClient admin() {
    if (admin == null) {
      TccClient.Builder builder = TccClient.builder()
          .seeds(nodes)
          .operationTimeoutMs(timeoutMs)
          .requestTimeoutMs(Math.min(timeoutMs, ATTEMPT_MS_MAX));
      client = (tls == null ? builder : builder.tls(tls)).build();
      admin = AdminClient.of(client);
    }
    return admin;
  }

  /**
   * The call's result, waiting at most waitMs plus slack; a refusal becomes exit 1, giving up
   * exit 3, an argument the client itself rejects exit 2.
   */
  <T> T await(CompletableFuture<T> call, long waitMs) {
    try {
      return call.get(waitMs + SLACK_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw CliFailure.unreachable("no answer within " + waitMs + " ms (tried " + tried() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliFailure.refused("interrupted while waiting for the cluster");
    }
  }

  <T> T await(CompletableFuture<T> call) {
    return await(call, timeoutMs);
  }

  /** Like {@link #await}, for a call to one node: giving up names that node and why. */
  <T> T awaitNode(CompletableFuture<T> call, long waitMs, InetSocketAddress node) {
    try {
      return call.get(waitMs + SLACK_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TccClientException gaveUp && !refused(gaveUp)) {
        List<String> attempts = gaveUp.attempts();
        throw CliFailure.unreachable("cannot reach node " + SequentCli.describe(node)
            + (attempts.isEmpty() ? "" : ": " + attempts.get(attempts.size() - 1)));
      }
      throw failure(e.getCause());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw CliFailure.unreachable("node " + SequentCli.describe(node) + " did not answer within "
          + waitMs + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliFailure.refused("interrupted while waiting for node " + SequentCli.describe(node));
    }
  }

  CliFailure failure(Throwable cause) {
    if (cause instanceof AdminException refused) {
      return CliFailure.refused(refused.outcome() + ": " + refused.getMessage());
    }
    if (cause instanceof TccClientException gaveUp) {
      if (refused(gaveUp)) {
        List<String> attempts = gaveUp.attempts();
        return CliFailure.refused("the cluster refused this client's credentials ("
            + gaveUp.lastOutcome() + "; see the --tls-* options): "
            + (attempts.isEmpty() ? gaveUp.getMessage() : attempts.get(attempts.size() - 1)));
      }
      if (gaveUp.lastOutcome() == null) {
        return CliFailure.unreachable("cannot reach the cluster: no node answered within "
            + timeoutMs + " ms (tried " + tried() + ")");
      }
      List<String> attempts = gaveUp.attempts();
      return CliFailure.unreachable("the cluster did not serve the request in time (tried "
          + tried() + "); last: " + (attempts.isEmpty()
              ? gaveUp.lastOutcome() : attempts.get(attempts.size() - 1)));
    }
    if (cause instanceof IllegalArgumentException bad) {
      return new CliFailure(CliFailure.USAGE, bad.getMessage());
    }
    return CliFailure.refused("unexpected failure: " + cause);
  }

  /** True when the cluster refused this client's TLS credentials: no retry changes that. */
  private static boolean refused(TccClientException gaveUp) {
    return gaveUp.lastOutcome() == Outcome.UNAUTHENTICATED
        || gaveUp.lastOutcome() == Outcome.PERMISSION_DENIED;
  }

  /** The addresses the client knows (the --nodes, then those leader hints named). */
  String tried() {
    List<InetSocketAddress> known = admin == null ? nodes : admin.nodes();
    return known.stream().map(SequentCli::describe).collect(Collectors.joining(", "));
  }

  /** A JSON document on stdout. */
  void printJson(Object document) {
    out.println(Json.write(document));
    out.flush();
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
