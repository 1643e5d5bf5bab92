package dev.sequent.chaos.harness;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.Throttler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy (NetCrusher) in front of one server port of one container: it listens on the run's
 * network gateway, the address every node and bank is configured to dial, and forwards to the
 * container. The kernel here has no netem, so delay and jitter are added here, per direction and
 * per source address: a link "from n1 to n2" is n2's proxy with delay for connections from n1's
 * address only. Delays can change at any time; they apply to the next bytes that pass.
 *
 * <p>Bytes of one connection are never reordered: jitter varies the delay, NetCrusher's queue
 * releases them in order.
 */
final class LinkProxy implements AutoCloseable {
  /** Delay and jitter for connections from one source (or from everyone: {@code null}). */
  record Delay(long delayMs, long jitterMs) {
    static final Delay NONE = new Delay(0, 0);
  }

  private static final InetAddress ANY_SOURCE = InetAddress.getLoopbackAddress();

  private final String name;
  private final InetSocketAddress listen;
  private final Map<InetAddress, Delay> delays = new ConcurrentHashMap<>();
  private final Random jitter;
  private volatile TcpCrusher crusher;

  LinkProxy(String name, InetSocketAddress listen, long seed) {
    this.name = name;
    this.listen = listen;
    this.jitter = new Random(seed);
  }

  String name() {
    return name;
  }

  /** Where clients dial: the gateway address and the proxy's port. */
  InetSocketAddress listen() {
    return listen;
  }

  /** Starts (or restarts, towards a new target) forwarding to {@code target}. */
  synchronized void forwardTo(InetSocketAddress target, NioReactor reactor) {
    if (crusher != null) {
      if (crusher.getConnectAddress().equals(target)) {
        return;
      }
      crusher.close();
    }
    crusher = TcpCrusherBuilder.builder().withReactor(reactor)
        .withBindAddress(listen).withConnectAddress(target)
        .withConnectionTimeoutMs(2_000)
        .withTcpNoDelay(true)
        .withIncomingThrottlerFactory(source -> buffer -> delayNs(source))
        .withOutgoingThrottlerFactory(source -> buffer -> delayNs(source))
        .buildAndOpen();
  }

  /** Delays traffic of connections from {@code source} (null: from every source). */
  void delay(InetAddress source, Delay delay) {
    delays.put(source == null ? ANY_SOURCE : source, delay);
  }

  /** No delay for anyone. */
  void clearDelays() {
    delays.clear();
  }

  /** Drops every open connection (clients reconnect; used when a target restarts). */
  void closeConnections() {
    TcpCrusher current = crusher;
    if (current != null) {
      current.closeAllPairs();
    }
  }

  private long delayNs(InetSocketAddress source) {
    Delay delay = delays.get(source.getAddress());
    if (delay == null) {
      delay = delays.get(ANY_SOURCE);
    }
    if (delay == null || (delay.delayMs() == 0 && delay.jitterMs() == 0)) {
      return Throttler.NO_DELAY_NS;
    }
    long jitterMs;
    synchronized (jitter) {
      jitterMs = delay.jitterMs() == 0 ? 0
          : jitter.nextLong(-delay.jitterMs(), delay.jitterMs() + 1);
    }
    return Math.max(0, delay.delayMs() + jitterMs) * 1_000_000L;
  }

  @Override
  public synchronized void close() {
    if (crusher != null) {
      crusher.close();
      crusher = null;
    }
  }
}
