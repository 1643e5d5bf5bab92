package dev.sequent.coordinator.dispatch;

import dev.sequent.coordinator.table.Endpoint;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.tls.ClientTls;
import dev.sequent.protocol.tls.TlsFailures;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.Flushes;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's connections over Netty: exactly one channel per participant (pinned: no pool),
 * pipeline (TLS,) {@link FrameDecoder}, {@link FrameEncoder}, {@link AnswerHandler}. The handler
 * only hands answers to the agent's queue: the event loop never reads the table or proposes.
 *
 * <p>With TLS the node presents its own certificate (a participant endpoint that requires the
 * cluster's identity checks it before it applies any phase-2 call) and checks that the endpoint's
 * certificate leads to a trusted CA and names the host the participant announced.
 *
 * <p>Host names are resolved on a separate executor, never on the event loop, where a slow DNS
 * answer would stall every other participant's connection; IP literals need no lookup.
 */
final class NettyTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);
  /** How long closeAll waits for the channels to close. */
  private static final long CLOSE_WAIT_MS = 2_000;

  private record Pinned(long connectionId, Channel channel) {}

  private final EventLoopGroup group;
  private final Executor resolver;
  private final DispatcherSettings settings;
  private final Events events;
  /** TLS on every participant connection, or null for plaintext. */
  private final ClientTls tls;
  private final Map<String, Pinned> channels = new ConcurrentHashMap<>();

  NettyTransport(EventLoopGroup group, Executor resolver, DispatcherSettings settings,
      Events events, ClientTls tls) {
    this.group = group;
    this.resolver = resolver;
    this.settings = settings;
    this.events = events;
    this.tls = tls;
  }

  @Override
  public void connect(String participant, Endpoint endpoint, long connectionId) {
    Pinned previous = channels.remove(participant);
    if (previous != null) {
      // The agent closes before it reconnects; this only guards the one-channel rule.
      previous.channel().close();
    }
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(endpoint.host());
    if (literal != null) {
      dial(participant, connectionId, literalAddress(endpoint, literal), endpoint.host());
      return;
    }
    try {
      resolver.execute(() -> {
        InetSocketAddress address;
        try {
          address = new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port());
        } catch (UnknownHostException | RuntimeException e) {
          LOG.debug("Participant {}: cannot resolve {}: {}", participant, endpoint, e.toString());
          events.disconnected(participant, connectionId);
          return;
        }
        dial(participant, connectionId, address, endpoint.host());
      });
    } catch (RejectedExecutionException e) {
      events.disconnected(participant, connectionId);
    }
  }

  /** @param host the host as the participant announced it: its certificate must name it */
  private void dial(String participant, long connectionId, InetSocketAddress address,
      String host) {
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeoutMs())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(Flushes.consolidating());
            if (tls != null) {
              channel.pipeline().addLast(
                  tls.newHandler(channel.alloc(), host, address.getPort()));
            }
            channel.pipeline().addLast(
                new FrameDecoder(settings.frameBytesMax()),
                new FrameEncoder(settings.frameBytesMax()),
                new AnswerHandler(participant, connectionId, events));
          }
        });
    ChannelFuture connecting;
    try {
      connecting = bootstrap.connect(address);
    } catch (RuntimeException e) {
      // An event loop group shut down under us: the dispatcher is closing.
      events.disconnected(participant, connectionId);
      return;
    }
    Channel channel = connecting.channel();
    channels.put(participant, new Pinned(connectionId, channel));
    connecting.addListener((ChannelFuture done) -> {
      if (done.isSuccess()) {
        LOG.debug("Participant {}: connection {} open to {}", participant, connectionId, address);
        events.connected(participant, connectionId);
        channel.closeFuture().addListener(closed -> {
          channels.remove(participant, new Pinned(connectionId, channel));
          events.disconnected(participant, connectionId);
        });
      } else {
        LOG.debug("Participant {}: cannot connect to {}: {}", participant, address,
            String.valueOf(done.cause()));
        channels.remove(participant, new Pinned(connectionId, channel));
        channel.close();
        events.disconnected(participant, connectionId);
      }
    });
  }

  @Override
  public void send(String participant, long connectionId, List<Phase2Call> calls) {
    Pinned pinned = channels.get(participant);
    if (pinned == null || pinned.connectionId() != connectionId) {
      return;
    }
    Channel channel = pinned.channel();
    // One task on the event loop for the whole batch: the writes keep their order and go out
    // in one flush.
    channel.eventLoop().execute(() -> {
      for (Phase2Call call : calls) {
        channel.write(new Envelope(MessageType.PHASE2_CALL, call.getSeq(), call))
            .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      }
      channel.flush();
    });
  }

  @Override
  public void close(String participant, long connectionId) {
    Pinned pinned = channels.get(participant);
    if (pinned != null && pinned.connectionId() == connectionId) {
      channels.remove(participant, pinned);
      pinned.channel().close();
    }
  }

  @Override
  public void closeAll() {
    for (Pinned pinned : channels.values()) {
      pinned.channel().close().awaitUninterruptibly(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
    }
    channels.clear();
  }

  private static InetSocketAddress literalAddress(Endpoint endpoint, byte[] literal) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(endpoint.host(), literal),
          endpoint.port());
    } catch (UnknownHostException e) {
      // getByAddress throws only for a bad array length, which a parsed literal never has.
      throw new IllegalStateException("bad IP literal " + endpoint.host(), e);
    }
  }

  /**
   * Hands a participant's answers to the agent. An error reply or any other message means the
   * participant found our stream broken: close, and the stream reconnects and resends.
   */
  static final class AnswerHandler extends SimpleChannelInboundHandler<Envelope> {
    private final String participant;
    private final long connectionId;
    private final Events events;

    AnswerHandler(String participant, long connectionId, Events events) {
      this.participant = participant;
      this.connectionId = connectionId;
      this.events = events;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope envelope) {
      if (envelope.type() == MessageType.PHASE2_ACK) {
        events.acked(participant, connectionId, (Phase2Ack) envelope.message());
        return;
      }
      if (envelope.type() == MessageType.ERROR_REPLY) {
        ErrorReply error = (ErrorReply) envelope.message();
        LOG.warn("Participant {} refused our connection: outcome {} {}", participant,
            error.getOutcome(), error.getMessage());
      } else {
        LOG.warn("Participant {} sent an unexpected {}; closing", participant, envelope.type());
      }
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (TlsFailures.isTlsFailure(cause)) {
        LOG.warn("Participant {}: TLS with its endpoint failed, closing (check that it speaks"
            + " TLS, trusts this node's CA, and that its certificate names the host it"
            + " announced): {}", participant, TlsFailures.describe(cause));
      } else {
        LOG.warn("Participant {}: connection {} failed, closing: {}", participant, connectionId,
            cause.toString());
      }
      ctx.close();
    }
  }
}
