package dev.sequent.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.StatusRequest;
import dev.sequent.protocol.wire.Envelope;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A server port with {@link ServerTls} (mutual TLS, allow-list {@code client-app}) over real
 * sockets on 127.0.0.1: what it serves and what it refuses, and what each refused peer is told.
 * The server's handler answers every request with the identity the check recorded, so a reply
 * proves the request got through and under which identity.
 */
class TlsChannelsTest {
  @TempDir static Path dir;
  static TestPki pki;
  static EventLoopGroup group;
  static Channel server;
  /** Requests that reached the server's handler. */
  static final BlockingQueue<String> served = new LinkedBlockingQueue<>();

  @BeforeAll
  static void startServer() throws Exception {
    pki = TestPki.create(dir);
    TestPki.Leaf node = pki.issue("node-1");
    ServerTls tls = ServerTls.of(TlsSettings.fromPem(node.certChain(), node.privateKey(),
        pki.caCert()), true, Set.of("client-app"), "test port");
    group = new NioEventLoopGroup(2);
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(tls.newGate(), new FrameDecoder(), new FrameEncoder(),
                tls.newIdentityCheck(), new SimpleChannelInboundHandler<Envelope>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Envelope request) {
                    String identity = PeerIdentity.of(ctx.channel()).toString();
                    served.add(identity);
                    ctx.writeAndFlush(Envelope.of(request.requestId(), ErrorReply.newBuilder()
                        .setOutcome(Outcome.OK.code()).setMessage(identity).build()));
                  }
                });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  @AfterAll
  static void stopServer() {
    server.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** A raw client: frames in a queue, with TLS when given. */
  static final class RawClient implements AutoCloseable {
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final Channel channel;

    RawClient(ClientTls tls) throws InterruptedException {
      InetSocketAddress address = (InetSocketAddress) server.localAddress();
      channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (tls != null) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1",
                    address.getPort()));
              }
              ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(),
                  new SimpleChannelInboundHandler<Envelope>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Envelope reply) {
                      received.add(reply);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                      received.add(cause);
                      ctx.close();
                    }
                  });
            }
          })
          .connect(address).sync().channel();
    }

    /** Sends a status request and returns the first thing that came back (or null). */
    Object ask() throws InterruptedException {
      channel.writeAndFlush(Envelope.of(7, StatusRequest.newBuilder().setXid("x").build()));
      return received.poll(5, TimeUnit.SECONDS);
    }

    boolean closedSoon() {
      return channel.closeFuture().awaitUninterruptibly(5_000);
    }

    @Override
    public void close() {
      channel.close().awaitUninterruptibly();
    }
  }

  static ClientTls clientWith(TestPki.Leaf leaf, Path trust) {
    return ClientTls.of(TlsSettings.fromPem(leaf.certChain(), leaf.privateKey(), trust));
  }

  @Test
  void aTrustedAllowedClientIsServedUnderItsIdentity() throws Exception {
    served.clear();
    try (RawClient client = new RawClient(clientWith(pki.issue("client-app"), pki.caCert()))) {
      Envelope reply = (Envelope) client.ask();
      assertEquals(MessageType.ERROR_REPLY, reply.type());
      assertEquals(7, reply.requestId());
      assertEquals("client-app/localhost", ((ErrorReply) reply.message()).getMessage());
      assertEquals("client-app/localhost", served.poll());
    }
  }

  @Test
  void aPlaintextClientIsToldThePortRequiresTlsAndClosed() throws Exception {
    served.clear();
    try (RawClient client = new RawClient(null)) {
      Envelope reply = (Envelope) client.ask();
      assertEquals(0, reply.requestId());
      ErrorReply error = (ErrorReply) reply.message();
      assertEquals(Outcome.UNAUTHENTICATED.code(), error.getOutcome());
      assertTrue(error.getMessage().contains("requires TLS"), error.getMessage());
      assertTrue(client.closedSoon());
    }
    assertNull(served.poll(), "nothing is served to a plaintext peer");
  }

  @Test
  void aTrustedCertificateWithAnotherIdentityIsRefusedWithAClearLogLine() throws Exception {
    served.clear();
    ListAppender<ILoggingEvent> log = attach(PeerIdentityCheck.class);
    try (RawClient client = new RawClient(clientWith(pki.issue("intruder"), pki.caCert()))) {
      Envelope reply = (Envelope) client.ask();
      assertEquals(0, reply.requestId(), "a refusal of the connection, not of the request");
      ErrorReply error = (ErrorReply) reply.message();
      assertEquals(Outcome.PERMISSION_DENIED.code(), error.getOutcome());
      assertTrue(error.getMessage().contains("intruder"), error.getMessage());
      assertTrue(client.closedSoon());
      List<ILoggingEvent> lines;
      synchronized (log) { // appends hold the appender's lock
        lines = new ArrayList<>(log.list);
      }
      assertTrue(lines.stream().anyMatch(e -> e.getFormattedMessage().contains("refusing")
          && e.getFormattedMessage().contains("intruder")), "a WARN line names it: " + lines);
    } finally {
      detach(PeerIdentityCheck.class, log);
    }
    assertNull(served.poll(), "the request sent with the refused identity was not served");
  }

  @Test
  void aClientCertificateFromAnUntrustedCaFailsTheHandshake() throws Exception {
    served.clear();
    TestPki.Leaf forged = pki.issueByIntruder("client-app");
    try (RawClient client = new RawClient(clientWith(forged, pki.caCert()))) {
      Object answer = client.ask();
      assertNotNull(answer, "the client hears of the failure");
      assertTrue(answer instanceof Throwable && TlsFailures.isTlsFailure((Throwable) answer),
          "a TLS failure, not a reply: " + answer);
      assertTrue(client.closedSoon());
    }
    assertNull(served.poll(), "nothing is served without a trusted certificate");
  }

  @Test
  void aClientThatDoesNotTrustTheServerRefusesIt() throws Exception {
    served.clear();
    TestPki.Leaf leaf = pki.issue("client-app");
    try (RawClient client = new RawClient(clientWith(leaf, pki.intruderCaCert()))) {
      Object answer = client.ask();
      assertTrue(answer instanceof Throwable && TlsFailures.describe((Throwable) answer)
          .contains("SSLHandshakeException"), "the client's own check refused: " + answer);
    }
    assertNull(served.poll());
  }

  @Test
  void theClusterTrustManagerChecksTheChainAndTheIdentity() throws Exception {
    TlsSettings node = TlsSettings.fromPem(pki.issue("n1").certChain(),
        pki.issue("n1").privateKey(), pki.caCert());
    var manager = node.trustManager(Set.of("n1", "n2"));
    manager.checkClientTrusted(chain(pki.issue("n2")), "ECDHE_ECDSA");
    assertRefused(() -> manager.checkClientTrusted(chain(pki.issue("client-app")), "ECDHE_ECDSA"),
        "not one of the allowed identities");
    assertRefused(() -> manager.checkServerTrusted(chain(pki.issueByIntruder("n2")),
        "ECDHE_ECDSA"), "");
    // Without an allow-list, any certificate of the trusted CA passes.
    node.trustManager(Set.of()).checkClientTrusted(chain(pki.issue("client-app")), "ECDHE_ECDSA");
  }

  interface Check {
    void run() throws Exception;
  }

  static void assertRefused(Check check, String expected) {
    try {
      check.run();
    } catch (CertificateException e) {
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      return;
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
    throw new AssertionError("accepted, but should have been refused");
  }

  static X509Certificate[] chain(TestPki.Leaf leaf) {
    return TlsSettings.fromPem(leaf.certChain(), leaf.privateKey(), pki.caCert()).certChain()
        .toArray(new X509Certificate[0]);
  }

  static ListAppender<ILoggingEvent> attach(Class<?> type) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
    return appender;
  }

  static void detach(Class<?> type, ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(type)).detachAppender(appender);
  }

  @Test
  void settingsRefuseAKeyOfAnotherCertificateAndNeverPrintTheKey() {
    TestPki.Leaf a = pki.issue("a");
    TestPki.Leaf b = pki.issue("b");
    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.fromPem(a.certChain(), b.privateKey(), pki.caCert()));
    assertTrue(mismatch.getMessage().contains("does not belong"), mismatch.getMessage());
    TlsSettings settings = TlsSettings.fromPem(a.certChain(), a.privateKey(), pki.caCert());
    assertFalse(settings.toString().toLowerCase().contains("private"), settings.toString());
    assertEquals(List.of("a", "localhost"), settings.identity().names());
  }

  @Test
  void settingsNameTheFileAndSayHowToConvertAnOldStyleKey() throws Exception {
    Path rsaStyle = dir.resolve("old.key");
    Files.writeString(rsaStyle,
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.fromPem(pki.issue("a").certChain(), rsaStyle, pki.caCert()));
    assertTrue(old.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), old.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> TlsSettings.trustOnly(dir.resolve("absent.crt")));
    assertTrue(missing.getMessage().contains("absent.crt"), missing.getMessage());
  }
}
