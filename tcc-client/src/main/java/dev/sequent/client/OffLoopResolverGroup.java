package dev.sequent.client;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Resolves host names on a separate executor. Netty's default resolver calls the JDK's blocking
 * lookup on the event loop that connects, which would stall every connection of that loop while
 * DNS answers. IP literals are parsed in place.
 */
final class OffLoopResolverGroup extends AddressResolverGroup<InetSocketAddress> {
  private final Executor blocking;

  OffLoopResolverGroup(Executor blocking) {
    this.blocking = blocking;
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new InetSocketAddressResolver(executor, new OffLoopNameResolver(executor, blocking));
  }

  private static final class OffLoopNameResolver extends InetNameResolver {
    private final Executor blocking;

    OffLoopNameResolver(EventExecutor executor, Executor blocking) {
      super(executor);
      this.blocking = blocking;
    }

    @Override
    protected void doResolve(String host, Promise<InetAddress> promise) {
      byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
      if (literal != null) {
        promise.trySuccess(literalAddress(host, literal));
        return;
      }
      offLoop(promise, () -> InetAddress.getByName(host));
    }

    @Override
    protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
      byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
      if (literal != null) {
        promise.trySuccess(List.of(literalAddress(host, literal)));
        return;
      }
      offLoop(promise, () -> Arrays.asList(InetAddress.getAllByName(host)));
    }

    private interface Lookup<T> {
      T run() throws UnknownHostException;
    }

    private <T> void offLoop(Promise<T> promise, Lookup<T> lookup) {
      try {
        blocking.execute(() -> {
          try {
            promise.trySuccess(lookup.run());
          } catch (UnknownHostException | RuntimeException e) {
            promise.tryFailure(e);
          }
        });
      } catch (RejectedExecutionException e) {
        promise.tryFailure(e);
      }
    }

    private static InetAddress literalAddress(String host, byte[] literal) {
      try {
        return InetAddress.getByAddress(host, literal);
      } catch (UnknownHostException e) {
        // getByAddress throws only for a bad array length, which a parsed literal never has.
        throw new IllegalStateException("bad IP literal " + host, e);
      }
    }
  }
}
