package dev.sequent.bench;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The three coordinator nodes under test, in one of two layouts: all in the load generator's
 * JVM ({@link OneJvmCoordinators}), or each in its own process ({@link ProcessCoordinators}, the
 * layout to compare with a three-process peer such as Seata's Raft mode).
 */
interface Coordinators extends AutoCloseable {
  /** "one-jvm" or "three-processes", as the report names it. */
  String layout();

  List<InetSocketAddress> clientAddresses();

  /** Waits (bounded) for a leader that serves writes; returns its id. */
  String awaitLeader(long timeoutMs) throws Exception;

  /** Kills the current leader as a crash would (kill -9 for processes); returns its id. */
  String killLeader() throws Exception;

  /**
   * Counters read now, for deltas over a measured window: per node, {@code cpuNanos} (process CPU
   * time; for one JVM the whole JVM's, load generator included), {@code heapBytes} (used now),
   * {@code batchCount} and {@code batchSum} (the proposer's commands-per-entry summary).
   */
  Map<String, Map<String, Double>> sample() throws Exception;

  /** Asks every node for a full GC, so heap figures after it are live data. */
  void gc() throws Exception;

  @Override
  void close();
}
