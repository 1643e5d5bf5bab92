package dev.sequent.client;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** What every call of one client shares. */
record CallEnv(ClientConfig config, Backoff backoff, NodeDirectory directory,
    NodeConnections connections, AtomicLong requestIds, ClientMetrics metrics,
    EventLoopGroup scheduler, AtomicBoolean closed) {}
