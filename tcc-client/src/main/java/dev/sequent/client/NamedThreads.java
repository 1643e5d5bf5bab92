package dev.sequent.client;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code prefix-N}, so a thread dump says whose thread it is. */
final class NamedThreads {
  /** Numbers run per prefix across clients, so two clients in one process never share a name. */
  private static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

  private NamedThreads() {}

  static ThreadFactory daemon(String prefix) {
    AtomicInteger counter = COUNTERS.computeIfAbsent(prefix, p -> new AtomicInteger());
    return runnable -> {
      // FastThreadLocalThread: Netty's thread locals are faster on it and cleaned up at its end.
      Thread thread = new FastThreadLocalThread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
