package dev.sequent.bench.micro;

import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one atomic batch write costs: {@link StateStore#commit} of a staged batch of puts with its
 * applied index, on RocksDB (one {@code WriteBatch}, written without fsync, as in production) and
 * on the in-memory store. The score is per batch (per Raft entry); divide by {@code puts} for the
 * cost of one put.
 *
 * <p>The puts are shaped like the table's, as measured on the {@link TccWorkload} entries: per
 * txn, three txn-record puts (36-byte xid key, 102-byte value: begin, decide and ack each rewrite
 * a txn), one deadline-index put (44-byte key, empty value) and two phase-2-call puts (15-byte
 * key, 45-byte value). {@code puts} = 6 is one txn's share; 384 is the puts of a steady-state
 * 64-txn entry (which also stages about 190 deletes and a few counters: {@link
 * TableApplyBenchmark}'s {@code applyEntryAndCommit} minus {@code applyEntry} is the commit of
 * that real mix). Keys cycle through 2^18 txns, so the store's size stays bounded and, after
 * warm-up, puts are a steady mix of overwrites in a populated store.
 *
 * <p>Why it matters: the commit runs once per entry on the state-machine thread, under the store's
 * writer lock; its fixed cost is paid per entry and its per-put cost per command. A regression in
 * the fixed part hurts small entries (low concurrency), one in the per-put part hurts batching.
 * Staging (copying keys and values into the sorted overlay) is per-invocation set-up here, not
 * measured: {@link TableApplyBenchmark} includes it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class StoreCommitBenchmark {

  static final String TXN = "txn";
  static final String DEADLINE = "txn_deadline";
  static final String PHASE2 = "phase2_call";
  /** Puts per txn in the pattern below. */
  static final int PUTS_PER_TXN = 6;
  static final int TXN_WINDOW = 1 << 18;

  @Param({BenchStores.MEMORY, BenchStores.ROCKS})
  public String store;

  /** Puts per batch: a multiple of {@value #PUTS_PER_TXN}. */
  @Param({"6", "384"})
  public int puts;

  private BenchStores stores;
  private final byte[] txnValue = filled(102);
  private final byte[] phase2Value = filled(45);
  private final byte[] empty = new byte[0];
  private long nextTxn;
  private long appliedIndex;
  private StagedWrites staged;

  @Setup(Level.Trial)
  public void openStore() {
    if (puts % PUTS_PER_TXN != 0) {
      throw new IllegalArgumentException("puts must be a multiple of " + PUTS_PER_TXN);
    }
    stores = BenchStores.open(store, Set.of(TXN, DEADLINE, PHASE2));
  }

  @TearDown(Level.Trial)
  public void closeStore() {
    stores.close();
  }

  @Setup(Level.Invocation)
  public void stageBatch() {
    staged = stores.store.stage();
    for (int i = 0; i < puts / PUTS_PER_TXN; i++) {
      long txn = nextTxn++ % TXN_WINDOW;
      // The txns an entry begins, decides and acks are 64 apart (see TccWorkload).
      staged.put(TXN, xid(txn), txnValue);
      staged.put(TXN, xid((txn + 64) % TXN_WINDOW), txnValue);
      staged.put(TXN, xid((txn + 128) % TXN_WINDOW), txnValue);
      staged.put(DEADLINE, deadlineKey(txn), empty);
      staged.put(PHASE2, phase2Key(txn, 0), phase2Value);
      staged.put(PHASE2, phase2Key(txn, 1), phase2Value);
    }
  }

  @Benchmark
  public void commit() {
    stores.store.commit(staged, new AppliedIndex(1, ++appliedIndex));
  }

  private static byte[] xid(long txn) {
    return TccWorkload.xid(txn).getBytes(StandardCharsets.US_ASCII);
  }

  /** Deadline (8 bytes, big-endian) then the xid: 44 bytes, as the table's index key. */
  private static byte[] deadlineKey(long txn) {
    return ByteBuffer.allocate(44).putLong(1_700_000_010_000L + txn).put(xid(txn)).array();
  }

  /** Name length, a 6-byte participant name, seq: 15 bytes, as the table's phase-2 key. */
  private static byte[] phase2Key(long txn, int branch) {
    byte[] name = ("bank-" + ((txn + branch) % TccWorkload.PARTICIPANTS))
        .getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(1 + name.length + 8)
        .put((byte) name.length).put(name).putLong(txn + 1).array();
  }

  private static byte[] filled(int bytes) {
    byte[] value = new byte[bytes];
    Arrays.fill(value, (byte) 'v');
    return value;
  }
}
