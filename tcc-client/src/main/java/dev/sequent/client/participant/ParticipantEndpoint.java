package dev.sequent.client.participant;

import dev.sequent.client.Branch;
import dev.sequent.client.TccClient;
import dev.sequent.client.TryResult;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.tls.ServerTls;
import dev.sequent.protocol.tls.TlsSettings;
import dev.sequent.protocol.wire.Flushes;
import dev.sequent.protocol.wire.FrameDecoder;
import dev.sequent.protocol.wire.FrameEncoder;
import dev.sequent.protocol.wire.WireFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server a participant service embeds: it hosts one or more participants, each a {@link
 * TccResource} fenced by a {@link FenceStore}, and answers tries (from initiators) and phase-2
 * calls (from the coordinator's leader) over the Sequent wire protocol.
 *
 * <pre>{@code
 * try (ParticipantEndpoint endpoint = ParticipantEndpoint.builder()
 *     .bind("0.0.0.0", 7100).advertisedHost("accounts-1.internal")
 *     .participant("accounts", new AccountsResource(), JdbcFenceStore.create(dataSource))
 *     .client(tccClient)      // announce to the cluster, and registerAndTry
 *     .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Threads: network I/O on {@code sequent-participant-io-N}, which never runs a resource or
 * touches a database; each participant's phase-2 calls on its own single thread {@code
 * sequent-phase2-<participant>-N}, in arrival order (that is what keeps them in order); tries on a
 * small pool {@code sequent-participant-try-N}; announcements on {@code
 * sequent-participant-announce-N}. Every queue is bounded; a full one answers OVERLOADED.
 *
 * <p>With {@link Builder#tls} the endpoint speaks mutual TLS only, and {@link
 * Builder#clusterIdentities} makes it accept phase-2 calls only from the cluster's nodes (by the
 * identity their certificates name): the money-moving half of TCC is then closed to everyone
 * else, including initiators whose certificates are trusted for tries.
 *
 * <p>The endpoint does not close the fence stores or the client it was given: their owner does,
 * after closing the endpoint.
 */
public final class ParticipantEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParticipantEndpoint.class);

  static final String IO_THREAD_PREFIX = "sequent-participant-io";
  static final String TRY_THREAD_PREFIX = "sequent-participant-try";
  /** How long close() waits for each stage (connections, threads, event loops) to stop. */
  static final long CLOSE_WAIT_MS = 5_000;

  private final Map<String, HostedParticipant> participants;
  private final EventLoopGroup group;
  private final ThreadPoolExecutor tries;
  private final ChannelGroup connections;
  private final Channel server;
  private final TccClient client;
  private final Announcer announcer;
  private final EndpointHandler.Access access;
  private final AtomicBoolean closing = new AtomicBoolean();

  private ParticipantEndpoint(Builder settings) throws InterruptedException {
    Map<String, HostedParticipant> hosted = new LinkedHashMap<>();
    settings.participants.forEach((id, fence) ->
        hosted.put(id, new HostedParticipant(fence, settings.phase2QueueMax,
            settings.meterRegistry)));
    this.participants = Collections.unmodifiableMap(hosted);
    this.client = settings.client;
    this.group = new NioEventLoopGroup(settings.ioThreads, Threads.daemon(IO_THREAD_PREFIX));
    this.tries = new ThreadPoolExecutor(settings.tryThreads, settings.tryThreads, 0,
        TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(settings.tryQueueMax),
        Threads.daemon(TRY_THREAD_PREFIX));
    this.connections = new DefaultChannelGroup(group.next());
    this.access = new EndpointHandler.Access(settings.clusterIdentities, settings.tryClients);
    try {
      this.server = bind(settings);
    } catch (InterruptedException | RuntimeException e) {
      stopThreads();
      throw e;
    }
    InetSocketAddress bound = address();
    log.info("participant endpoint for {} listening on {}{}", participants.keySet(), bound,
        settings.tls == null ? " (plaintext)" : " (TLS, phase-2 calls from "
            + (settings.clusterIdentities.isEmpty() ? "any trusted certificate"
                : settings.clusterIdentities) + ")");
    if (client != null) {
      String host = settings.advertisedHost != null ? settings.advertisedHost : settings.host;
      this.announcer = new Announcer(client, new ArrayList<>(participants.keySet()), host,
          bound.getPort(), settings.announceIntervalMs);
      announcer.start();
    } else {
      this.announcer = null;
    }
  }

  /** A builder; at least one participant is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address the endpoint listens on (the real port when it was asked for port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /**
   * The participant side of "the xid in a header": the initiator called this service over its own
   * RPC (HTTP, gRPC) and passed the xid along. This registers the branch with the coordinator
   * (through the endpoint's client), then runs the same fenced try a TryRequest would run, on the
   * try pool. The branch is registered before the try runs, so a cancel can always reach it.
   *
   * @return OK when the try succeeded; the coordinator's refusal (for example {@code NOT_TRYING}
   *     when the transaction was already decided) without running the try; or the try's refusal
   *     ({@code TRY_FAILED}, {@code TRY_AFTER_CANCEL}). Fails with a {@code TccClientException}
   *     when the client gave up on the registration.
   * @throws IllegalStateException when the endpoint has no client or does not host the participant
   */
  public CompletableFuture<TryResult> registerAndTry(String participant, String xid,
      String branchId, byte[] payload) {
    if (client == null) {
      throw new IllegalStateException("registerAndTry needs a TccClient: set Builder.client");
    }
    HostedParticipant hosted = participants.get(participant);
    if (hosted == null) {
      throw new IllegalStateException("this endpoint hosts no participant " + participant);
    }
    byte[] copy = payload.clone();
    return client.registerBranch(xid, new Branch(branchId, participant, copy))
        .thenCompose(registered -> registered.isOk()
            ? runTry(hosted, xid, branchId, copy)
            : CompletableFuture.completedFuture(new TryResult(registered.outcome(),
                "the coordinator refused the branch: " + registered.message())));
  }

  private CompletableFuture<TryResult> runTry(HostedParticipant hosted, String xid,
      String branchId, byte[] payload) {
    try {
      return CompletableFuture.supplyAsync(
          () -> hosted.fence().tryBranch(xid, branchId, payload), tries);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(new TryResult(
          closing.get() ? Outcome.SHUTTING_DOWN : Outcome.OVERLOADED, "the try queue is full"));
    }
  }

  /**
   * Stops announcing, closes the listening socket and every connection, drops the phase-2 calls
   * not yet started (nothing of them was applied, the leader resends), waits for the running ones
   * (at most 5 s each stage, never interrupting a database call), and stops the threads.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    try {
      if (announcer != null) {
        announcer.stop();
      }
      server.close().awaitUninterruptibly(CLOSE_WAIT_MS);
      connections.close().awaitUninterruptibly(CLOSE_WAIT_MS);
      for (HostedParticipant hosted : participants.values()) {
        if (!hosted.stop(CLOSE_WAIT_MS)) {
          log.warn("phase-2 thread of {} still busy after {} ms", hosted.fence().participant(),
              CLOSE_WAIT_MS);
        }
      }
      tries.shutdown();
      if (!tries.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.warn("try threads still busy after {} ms", CLOSE_WAIT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopThreads();
    }
    log.info("participant endpoint for {} closed", participants.keySet());
  }

  private Channel bind(Builder settings) throws InterruptedException {
    Objects.requireNonNull(settings.host, "host");
    ServerTls tls = settings.tls == null ? null : ServerTls.of(settings.tls, true,
        access.connectionAllowList(), "participant endpoint " + participants.keySet());
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.add(channel);
            channel.pipeline().addLast("flushes", Flushes.consolidating());
            if (tls != null) {
              channel.pipeline().addLast("tls-gate", tls.newGate());
            }
            channel.pipeline()
                .addLast("frameDecoder", new FrameDecoder(settings.frameBytesMax))
                .addLast("frameEncoder", new FrameEncoder(settings.frameBytesMax));
            if (tls != null) {
              channel.pipeline().addLast("peer-identity", tls.newIdentityCheck());
            }
            channel.pipeline().addLast("endpoint",
                new EndpointHandler(participants, tries, closing::get, access));
          }
        })
        .bind(new InetSocketAddress(settings.host, settings.port))
        .sync()
        .channel();
  }

  private void stopThreads() {
    tries.shutdownNow();
    group.shutdownGracefully(0, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_WAIT_MS);
  }

  /** Settings of an endpoint; every value is checked when {@link #start()} is called. */
  public static final class Builder {
    static final long ANNOUNCE_INTERVAL_MS_MIN = 10;
    static final long ANNOUNCE_INTERVAL_MS_MAX = 10 * 60 * 1000;
    static final int THREADS_MAX = 256;
    static final int QUEUE_MAX_LIMIT = 1 << 20;
    static final int PARTICIPANTS_MAX = 1_000;

    private final Map<String, Fence> participants = new LinkedHashMap<>();
    private String host = "127.0.0.1";
    private int port;
    private String advertisedHost;
    private TccClient client;
    private long announceIntervalMs = 3_000;
    private int ioThreads = 1;
    private int tryThreads = 4;
    private int tryQueueMax = 1_024;
    private int phase2QueueMax = 4_096;
    private int frameBytesMax = WireFormat.FRAME_BYTES_MAX_DEFAULT;
    private TlsSettings tls;
    private MeterRegistry meterRegistry;
    private Set<String> clusterIdentities = Set.of();
    private Set<String> tryClients = Set.of();

    private Builder() {}

    /**
     * Where to listen. Default 127.0.0.1 and port 0 (an ephemeral port; {@link #address()} tells
     * which).
     */
    public Builder bind(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /**
     * Where to record each hosted participant's meters (tries, phase-2 calls, applied seq, queue:
     * see docs/metrics.md). Default: none.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Hosts participant {@code id}: its tries and phase-2 calls run {@code resource}, fenced by
     * {@code fence} (which may be shared with other participants).
     */
    public Builder participant(String id, TccResource resource, FenceStore fence) {
      Objects.requireNonNull(fence, "fence");
      if (participants.containsKey(id)) {
        throw new IllegalArgumentException("participant " + id + " is already hosted");
      }
      participants.put(id, new Fence(id, resource, FenceBackend.of(fence)));
      return this;
    }

    /**
     * The client of the coordinator cluster: with it the endpoint announces its participants on
     * start and every {@link #announceIntervalMs}, and {@link #registerAndTry} works. The
     * endpoint does not close it.
     */
    public Builder client(TccClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The host the cluster should call back; default the bind host (required with 0.0.0.0). */
    public Builder advertisedHost(String host) {
      this.advertisedHost = Objects.requireNonNull(host, "host");
      return this;
    }

    /** How often to announce again. Default 3 s. */
    public Builder announceIntervalMs(long ms) {
      this.announceIntervalMs = ms;
      return this;
    }

    /** Network threads. Default 1. */
    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    /** Threads that run tries (of all participants). Default 4. */
    public Builder tryThreads(int threads) {
      this.tryThreads = threads;
      return this;
    }

    /** Tries waiting for a thread; beyond it a try is answered OVERLOADED. Default 1024. */
    public Builder tryQueueMax(int tries) {
      this.tryQueueMax = tries;
      return this;
    }

    /** Phase-2 calls waiting per participant; beyond it OVERLOADED. Default 4096. */
    public Builder phase2QueueMax(int calls) {
      this.phase2QueueMax = calls;
      return this;
    }

    /** The largest frame length accepted or sent. Default 1 MiB. */
    public Builder frameBytesMax(int bytes) {
      this.frameBytesMax = bytes;
      return this;
    }

    /**
     * Mutual TLS on the endpoint: it presents {@code settings}' certificate, and every peer (the
     * cluster's nodes, initiators sending tries) must present a certificate that leads to one of
     * its trusted CAs; a plaintext peer is told so and closed. Default: plaintext. The endpoint's
     * certificate must name the host the cluster dials (the advertised host), since nodes check
     * it.
     */
    public Builder tls(TlsSettings settings) {
      this.tls = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Phase-2 calls (confirm, cancel) are accepted only from peers whose certificate names one of
     * these identities: the cluster's nodes ({@code tls.certChainFile} of each node; see {@code
     * tls.clusterIdentities}). Any other peer's call is refused with PERMISSION_DENIED, nothing of
     * it applied, and its connection closed. Needs {@link #tls}. Default: empty, phase-2 calls
     * from any peer the TLS layer accepts.
     */
    public Builder clusterIdentities(Set<String> identities) {
      this.clusterIdentities = Set.copyOf(identities);
      return this;
    }

    /**
     * Tries are accepted only from peers whose certificate names one of these identities (the
     * initiators). Needs {@link #tls}. Default: empty, tries from any peer the TLS layer accepts.
     */
    public Builder tryClients(Set<String> identities) {
      this.tryClients = Set.copyOf(identities);
      return this;
    }

    /**
     * Validates the settings, binds and, with a client, starts announcing.
     *
     * @throws IllegalArgumentException when a setting is out of range
     * @throws InterruptedException when interrupted while binding
     * @throws io.netty.channel.ChannelException or another exception when binding fails
     */
    public ParticipantEndpoint start() throws InterruptedException {
      validate();
      return new ParticipantEndpoint(this);
    }

    private void validate() {
      check(!participants.isEmpty() && participants.size() <= PARTICIPANTS_MAX,
          "participants: between 1 and " + PARTICIPANTS_MAX + ", got " + participants.size());
      check(port >= 0 && port <= 65_535, "port must be in [0, 65535], was " + port);
      checkRange("announceIntervalMs", announceIntervalMs, ANNOUNCE_INTERVAL_MS_MIN,
          ANNOUNCE_INTERVAL_MS_MAX);
      checkRange("ioThreads", ioThreads, 1, THREADS_MAX);
      checkRange("tryThreads", tryThreads, 1, THREADS_MAX);
      checkRange("tryQueueMax", tryQueueMax, 1, QUEUE_MAX_LIMIT);
      checkRange("phase2QueueMax", phase2QueueMax, 1, QUEUE_MAX_LIMIT);
      WireFormat.checkFrameBytesMax(frameBytesMax);
      check(tls != null || (clusterIdentities.isEmpty() && tryClients.isEmpty()),
          "clusterIdentities and tryClients need tls: without certificates there is no identity"
              + " to check");
      if (client != null && advertisedHost == null) {
        check(!isWildcard(host), "bound to the wildcard address " + host
            + ": set advertisedHost, the name the cluster should call back");
      }
    }

    private static boolean isWildcard(String host) {
      return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static void checkRange(String name, long value, long min, long max) {
      check(value >= min && value <= max,
          name + " must be in [" + min + ", " + max + "], was " + value);
    }

    private static void check(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
