package dev.sequent.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fake nodes and clients for one test, all closed after it. Register with {@code
 * @RegisterExtension}.
 */
final class FakeCluster implements AfterEachCallback {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final EventLoopGroup serverGroup =
      new NioEventLoopGroup(2, NamedThreads.daemon("fake-node"));
  private final List<AutoCloseable> closeables = new ArrayList<>();

  FakeNode node(FakeNode.Script script) throws InterruptedException {
    FakeNode node = FakeNode.start(serverGroup, script);
    closeables.add(node);
    return node;
  }

  /** A builder with short test timings and this cluster's registry. */
  TccClient.Builder clientBuilder(InetSocketAddress... seeds) {
    return TccClient.builder()
        .seeds(List.of(seeds))
        .requestTimeoutMs(1_000)
        .operationTimeoutMs(5_000)
        .backoff(5, 40, RetryJitter.FULL)
        .meterRegistry(registry);
  }

  TccClient client(TccClient.Builder builder) {
    TccClient client = builder.build();
    closeables.add(client);
    return client;
  }

  TccClient client(InetSocketAddress... seeds) {
    return client(clientBuilder(seeds));
  }

  double retries(String type, String reason) {
    return registry.counter(ClientMetrics.RETRIES, "type", type, "reason", reason).count();
  }

  double redirects(String type) {
    return registry.counter(ClientMetrics.REDIRECTS, "type", type).count();
  }

  long finished(String type, String outcome) {
    return registry.timer(ClientMetrics.REQUESTS, "type", type, "outcome", outcome).count();
  }

  /** An address where nothing listens: a port that was free a moment ago. */
  static InetSocketAddress deadAddress() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }
  }

  static InetSocketAddress deadAddressUnchecked() {
    try {
      return deadAddress();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
  }
}
