package dev.sequent.client.participant;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code prefix-N}, so a thread dump says whose thread it is. */
final class Threads {
  /** Numbers run per prefix across endpoints, so two endpoints never share a thread name. */
  private static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

  private Threads() {}

  static ThreadFactory daemon(String prefix) {
    AtomicInteger counter = COUNTERS.computeIfAbsent(prefix, p -> new AtomicInteger());
    return runnable -> {
      Thread thread = new FastThreadLocalThread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
