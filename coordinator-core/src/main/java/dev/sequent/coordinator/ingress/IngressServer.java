package dev.sequent.coordinator.ingress;

import dev.sequent.coordinator.config.Peer;
import dev.sequent.coordinator.propose.Proposer;
import dev.sequent.coordinator.raft.RaftNode;
import dev.sequent.protocol.tls.ServerTls;
import dev.sequent.protocol.wire.Flushes;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client port of a node: a Netty server whose pipeline reads as the data flow, frame decoder,
 * frame encoder, request handler (one per connection). With TLS, a gate that becomes the
 * SslHandler comes first and the peer identity check (the tls.allowedClients allow-list) sits
 * between the frame codec and the request handler, so no request of a refused client is served.
 */
public final class IngressServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngressServer.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;

  /**
   * Settings of the client port.
   *
   * @param tls TLS on the port, or null for plaintext
   */
  public record Settings(String bindHost, int port, int ioThreads, int frameBytesMax,
      int inflightPerConnectionMax, long readTimeoutMs, ServerTls tls) {}

  public IngressServer(Settings settings, RaftNode raft, Proposer proposer,
      Map<String, Peer> peers) throws InterruptedException {
    String nodeId = raft.id();
    this.boss =
        new NioEventLoopGroup(1, new DefaultThreadFactory("sequent-ingress-accept-" + nodeId));
    this.workers = new NioEventLoopGroup(settings.ioThreads(),
        new DefaultThreadFactory("sequent-ingress-io-" + nodeId));
    // One per node: the admin side keeps no per-connection state.
    AdminRequests admin = new AdminRequests(raft, new ClientAddresses(raft, Map.copyOf(peers)),
        settings.readTimeoutMs(), settings.frameBytesMax());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ServerTls tls = settings.tls();
            ch.pipeline().addLast("flushes", Flushes.consolidating());
            if (tls != null) {
              ch.pipeline().addLast("tls-gate", tls.newGate());
            }
            ch.pipeline()
                .addLast("frame-decoder", new FrameDecoder(settings.frameBytesMax()))
                .addLast("frame-encoder", new FrameEncoder(settings.frameBytesMax()));
            if (tls != null) {
              ch.pipeline().addLast("peer-identity", tls.newIdentityCheck());
            }
            ch.pipeline().addLast("requests", new IngressHandler(raft, proposer, admin,
                settings.inflightPerConnectionMax(), settings.readTimeoutMs()));
          }
        });
    try {
      this.serverChannel = bootstrap
          .bind(new InetSocketAddress(settings.bindHost(), settings.port()))
          .sync()
          .channel();
    } catch (InterruptedException | RuntimeException e) {
      shutdownGroups();
      throw e;
    }
    ServerTls tls = settings.tls();
    LOG.info("Node {} serves clients on {}{}", nodeId, serverChannel.localAddress(),
        tls == null ? " (plaintext)" : " (TLS, " + (tls.clientCertRequired()
            ? "client certificates required, " + (tls.allowed().isEmpty()
                ? "any trusted identity" : "identities " + tls.allowed())
            : "no client certificates") + ")");
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public void close() {
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdownGroups();
  }

  private void shutdownGroups() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
