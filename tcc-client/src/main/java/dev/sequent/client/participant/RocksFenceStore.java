package dev.sequent.client.participant;

import dev.sequent.storage.RocksConfig;
import dev.sequent.storage.RocksStateStore;
import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fence in a local RocksDB database, for services without a SQL database, on {@link
 * dev.sequent.storage.StateStore}: a branch's fence row and its participant's watermark are written
 * in one atomic batch, so they can never disagree.
 *
 * <p>What it does not do: make the resource's own effects atomic with the fence. There is no shared
 * transaction; the resource's effects are its business, applied before the fence's batch is
 * written. A crash between the two leaves the effect without the fence row: the call comes again
 * and the resource runs again. So a resource on this store must make its effects idempotent by
 * (xid, branch id), or use {@link JdbcFenceStore}, the only store that makes business change and
 * fence atomic. Likewise a try that fails does not undo anything of its own: its row is kept as
 * {@link FenceState#TRY_FAILED} and its cancel runs.
 *
 * <p>Durability: {@link RocksStateStore} writes its batches without fsync (the coordinator's log
 * is its durable record). The fence batch survives a crash of the process; an operating-system
 * crash or power loss may lose the last batches, fence row and watermark together, and the leader
 * then resends those calls, which run again.
 *
 * <p>Keyspaces {@value #BRANCHES} and {@value #WATERMARKS}. Locks: a striped lock per branch (tries
 * of different branches run concurrently) and, for phase two, a lock per participant taken first;
 * waits are bounded. Thread-safe.
 */
public final class RocksFenceStore implements FenceStore {
  /** Fence rows: key = participant, xid, branch id (each length-prefixed). */
  public static final String BRANCHES = "fence.branches";
  /** Watermarks: key = participant (length-prefixed). */
  public static final String WATERMARKS = "fence.watermarks";
  /** The keyspaces a {@link StateStore} given to {@link #over} must have. */
  public static final Set<String> KEYSPACES = Set.of(BRANCHES, WATERMARKS);

  static final int FORMAT = 1;
  static final int LOCK_STRIPES = 64;
  static final long LOCK_TIMEOUT_MS = 10_000;
  private static final long MIB = 1024 * 1024;

  private final StateStore store;
  private final boolean owned;
  private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
  private final Map<String, ReentrantLock> participantLocks = new ConcurrentHashMap<>();
  private final FenceBackend backend = new FenceBackend() {
    @Override
    public Watermark watermark(String participant) {
      return RocksFenceStore.this.watermark(participant);
    }

    @Override
    public <T> T inTransaction(String participant, String xid, String branchId,
        boolean phaseTwo, FenceWork<T> work) throws Exception {
      return RocksFenceStore.this.inTransaction(participant, xid, branchId, phaseTwo, work);
    }
  };

  private RocksFenceStore(StateStore store, boolean owned) {
    this.store = store;
    this.owned = owned;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /**
   * Opens (or creates) the fence database in {@code dir}, sized small (an 8 MiB block cache). The
   * store owns it and closes it on {@link #close}.
   */
  public static RocksFenceStore open(Path dir) {
    RocksConfig small = new RocksConfig(8 * MIB, 4 * MIB, MIB, 1, 64);
    return new RocksFenceStore(RocksStateStore.open(dir, KEYSPACES, small), true);
  }

  /**
   * A fence on a state store the caller opened with (at least) {@link #KEYSPACES} and still owns,
   * for example an {@code InMemoryStateStore} in a simulation.
   */
  public static RocksFenceStore over(StateStore store) {
    Objects.requireNonNull(store, "store");
    if (!store.keyspaces().containsAll(KEYSPACES)) {
      throw new IllegalArgumentException("the state store lacks keyspaces " + KEYSPACES
          + "; it has " + store.keyspaces());
    }
    return new RocksFenceStore(store, false);
  }

  @Override
  public Watermark watermark(String participant) {
    return decodeWatermark(store.get(WATERMARKS, watermarkKey(participant)));
  }

  @Override
  public Optional<BranchFence> branch(String participant, String xid, String branchId) {
    return Optional.ofNullable(
        decodeBranch(xid, branchId, store.get(BRANCHES, branchKey(participant, xid, branchId))));
  }

  /** The transaction machinery, kept off this class's public face. */
  FenceBackend backend() {
    return backend;
  }

  private <T> T inTransaction(String participant, String xid, String branchId, boolean phaseTwo,
      FenceBackend.FenceWork<T> work) throws Exception {
    ReentrantLock participantLock = phaseTwo
        ? participantLocks.computeIfAbsent(participant, p -> new ReentrantLock()) : null;
    byte[] key = branchKey(participant, xid, branchId);
    ReentrantLock stripe = stripes[Math.floorMod(Arrays.hashCode(key), LOCK_STRIPES)];
    // Participant before stripe, always: tries take only a stripe, so no cycle can form.
    lock(participantLock, participant);
    try {
      lock(stripe, participant);
      try {
        RocksTransaction tx = new RocksTransaction(store.stage(), participant, xid, branchId, key,
            phaseTwo);
        T result = work.run(tx);
        if (!tx.writes.isEmpty()) {
          // The applied index is the coordinator's notion; the fence keeps it as it is.
          store.commit(tx.writes, store.appliedIndex());
        }
        return result;
      } finally {
        stripe.unlock();
      }
    } finally {
      if (participantLock != null) {
        participantLock.unlock();
      }
    }
  }

  /** Closes the state store when this store opened it. Idempotent. */
  @Override
  public void close() {
    if (owned) {
      store.close();
    }
  }

  private static void lock(ReentrantLock lock, String participant)
      throws InterruptedException, TimeoutException {
    if (lock != null && !lock.tryLock(LOCK_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("no fence lock of " + participant + " within "
          + LOCK_TIMEOUT_MS + " ms");
    }
  }

  // ------------------------------------------------------------------ encoding

  static byte[] watermarkKey(String participant) {
    return key(participant);
  }

  static byte[] branchKey(String participant, String xid, String branchId) {
    return key(participant, xid, branchId);
  }

  /** Each part as [u16 length][bytes]: unambiguous, and one participant's keys share a prefix. */
  private static byte[] key(String... parts) {
    int size = 0;
    byte[][] encoded = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      encoded[i] = Objects.requireNonNull(parts[i], "id").getBytes(StandardCharsets.UTF_8);
      if (encoded[i].length > 0xFFFF) {
        throw new IllegalArgumentException("id longer than 65535 bytes");
      }
      size += 2 + encoded[i].length;
    }
    ByteBuffer key = ByteBuffer.allocate(size);
    for (byte[] part : encoded) {
      key.putShort((short) part.length).put(part);
    }
    return key.array();
  }

  /** [u8 format][u8 state code][u64 seq]. */
  static byte[] encodeBranch(BranchFence fence) {
    return ByteBuffer.allocate(10).put((byte) FORMAT).put((byte) fence.state().code())
        .putLong(fence.seq()).array();
  }

  static BranchFence decodeBranch(String xid, String branchId, byte[] value) {
    if (value == null) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    checkFormat(value, 10, "fence row");
    in.get();
    int code = Byte.toUnsignedInt(in.get());
    FenceState state = FenceState.fromCode(code).orElseThrow(() ->
        new IllegalStateException("unknown fence state code " + code + " (a newer version?)"));
    return new BranchFence(xid, branchId, state, in.getLong());
  }

  /** [u8 format][u64 applied seq][u64 highest term]. */
  static byte[] encodeWatermark(Watermark watermark) {
    return ByteBuffer.allocate(17).put((byte) FORMAT).putLong(watermark.appliedSeq())
        .putLong(watermark.highestTerm()).array();
  }

  static Watermark decodeWatermark(byte[] value) {
    if (value == null) {
      return Watermark.NONE;
    }
    checkFormat(value, 17, "watermark");
    ByteBuffer in = ByteBuffer.wrap(value, 1, 16);
    return new Watermark(in.getLong(), in.getLong());
  }

  private static void checkFormat(byte[] value, int length, String what) {
    if (value.length != length || value[0] != FORMAT) {
      throw new IllegalStateException("a stored " + what + " has format "
          + (value.length == 0 ? "(empty)" : Byte.toUnsignedInt(value[0])) + " and "
          + value.length + " bytes; this version reads format " + FORMAT + ", " + length
          + " bytes");
    }
  }

  /** One batch on one branch, staged until the work returns. */
  private static final class RocksTransaction implements FenceTransaction {
    final StagedWrites writes;
    private final String participant;
    private final String xid;
    private final String branchId;
    private final byte[] key;
    private final boolean phaseTwo;

    RocksTransaction(StagedWrites writes, String participant, String xid, String branchId,
        byte[] key, boolean phaseTwo) {
      this.writes = writes;
      this.participant = participant;
      this.xid = xid;
      this.branchId = branchId;
      this.key = key;
      this.phaseTwo = phaseTwo;
    }

    @Override
    public Watermark watermark() {
      requirePhaseTwo();
      return decodeWatermark(writes.get(WATERMARKS, watermarkKey(participant)));
    }

    @Override
    public BranchFence branch() {
      return decodeBranch(xid, branchId, writes.get(BRANCHES, key));
    }

    @Override
    public void put(BranchFence fence) {
      if (!fence.xid().equals(xid) || !fence.branchId().equals(branchId)) {
        throw new IllegalArgumentException("this transaction is on xid=" + xid + " branch="
            + branchId + ", not " + fence);
      }
      writes.put(BRANCHES, key, encodeBranch(fence));
    }

    @Override
    public void put(Watermark watermark) {
      requirePhaseTwo();
      writes.put(WATERMARKS, watermarkKey(participant), encodeWatermark(watermark));
    }

    /** Nothing to mark: the resource's effects are not in this store. */
    @Override
    public void beginBusiness() {}

    /** Nothing to undo here: the resource's effects are not in this store. */
    @Override
    public void discardBusiness() {}

    @Override
    public Connection connection() {
      return null;
    }

    private void requirePhaseTwo() {
      if (!phaseTwo) {
        throw new IllegalStateException("the watermark belongs to phase-two transactions only");
      }
    }
  }
}
