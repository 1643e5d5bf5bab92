package dev.sequent.examples.bank;

import dev.sequent.client.participant.FenceStore;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.storage.StagedWrites;
import dev.sequent.storage.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The bank's own data in RocksDB, in keyspaces of the same database as its fence: accounts, one
 * effect record per branch, and the journal of applied phase-2 calls.
 *
 * <p>Why effect records: a RocksDB fence is not in the business's transaction. A step's money and
 * the fence's row are two batches, so a crash between them leaves the money moved and the fence
 * unaware, and the call comes again. Each step therefore writes, in the same batch as the money,
 * what it did to its branch ({@link Effect}); running the step again finds it and does nothing.
 * That makes every step idempotent by (xid, branch id), as {@link RocksFenceStore} requires.
 *
 * <p>Writes are serialised by one lock (bounded wait): they are short, and it keeps each
 * read-check-write of an account whole without row locks.
 */
final class RocksBankStore {
  static final String ACCOUNTS = "bank.accounts";
  static final String EFFECTS = "bank.effects";
  static final String JOURNAL = "bank.journal";
  static final long LOCK_TIMEOUT_MS = 10_000;
  private static final int FORMAT = 1;

  private final StateStore store;
  private final ReentrantLock writer = new ReentrantLock();
  private long journalNext; // guarded by writer
  private long journalSeqMax; // guarded by writer: the highest seq any journal entry holds

  RocksBankStore(StateStore store) {
    this.store = store;
    long[] last = {0, 0};
    store.scan(JOURNAL, null, null, (key, value) -> {
      last[0] = ByteBuffer.wrap(key).getLong();
      last[1] = Math.max(last[1], decodeCall(value).seq());
      return true;
    });
    this.journalNext = last[0] + 1;
    this.journalSeqMax = last[1];
  }

  /** Every keyspace the service's database needs: the bank's and the fence's. */
  static Set<String> keyspaces() {
    Set<String> all = new HashSet<>(RocksFenceStore.KEYSPACES);
    all.addAll(Set.of(ACCOUNTS, EFFECTS, JOURNAL));
    return all;
  }

  /** What one step did to its branch; written with the money it moved. */
  record Effect(State state, Leg leg) {
    enum State {
      TRIED,
      CONFIRMED,
      CANCELLED
    }
  }

  /**
   * Runs {@code work} on a fresh batch and writes the batch in one atomic commit when the work
   * returns; when it throws, nothing is written.
   */
  <T> T write(Function<Batch, T> work) {
    lockWriter();
    try {
      Batch batch = new Batch(store.stage());
      T result = work.apply(batch);
      if (!batch.writes.isEmpty()) {
        // The applied index belongs to the coordinator's use of StateStore; keep it as it is.
        store.commit(batch.writes, store.appliedIndex());
        journalNext = batch.journalNext;
        journalSeqMax = batch.journalSeqMax;
      }
      return result;
    } finally {
      writer.unlock();
    }
  }

  /**
   * The accounts and the highest journal seq, read under the write lock: every write holds it for
   * its whole batch, so no step commits between the two reads.
   */
  BankSnapshot snapshot() {
    lockWriter();
    try {
      return new BankSnapshot(accounts(), journalSeqMax);
    } finally {
      writer.unlock();
    }
  }

  private void lockWriter() {
    try {
      if (!writer.tryLock(LOCK_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the bank's write lock was busy for " + LOCK_TIMEOUT_MS
            + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the bank's write lock", e);
    }
  }

  List<Account> accounts() {
    List<Account> accounts = new ArrayList<>();
    store.scan(ACCOUNTS, null, null, (key, value) -> accounts.add(decodeAccount(key, value)));
    return accounts;
  }

  List<AppliedCall> journal() {
    List<AppliedCall> calls = new ArrayList<>();
    store.scan(JOURNAL, null, null, (key, value) -> calls.add(decodeCall(value)));
    return calls;
  }

  /**
   * Undoes tries whose effects were written but whose fence rows were not (a crash between the two
   * batches): the initiator never heard OK from them, so their transfers will be cancelled, and a
   * cancel that finds no fence row is an empty cancel that never calls the resource. Run before
   * the endpoint serves anything, so no try is in flight. Returns how many were undone.
   */
  int undoUnfencedTries(String participant, FenceStore fence) {
    List<String[]> unfenced = new ArrayList<>();
    store.scan(EFFECTS, null, null, (key, value) -> {
      String[] branch = decodeBranchKey(key);
      if (decodeEffect(value).state() == Effect.State.TRIED
          && fence.branch(participant, branch[0], branch[1]).isEmpty()) {
        unfenced.add(branch);
      }
      return true;
    });
    for (String[] branch : unfenced) {
      write(batch -> {
        Leg leg = batch.effect(branch[0], branch[1]).orElseThrow().leg();
        if (leg.direction() == Leg.Direction.DEBIT) {
          new Accounts(batch).releaseFrozen(leg.account(), leg.amount());
        }
        batch.writes.delete(EFFECTS, branchKey(branch[0], branch[1]));
        return null;
      });
    }
    return unfenced.size();
  }

  /** One atomic write: accounts, effects and journal entries staged together. */
  final class Batch implements AccountStore {
    private final StagedWrites writes;
    private long journalNext = RocksBankStore.this.journalNext;
    private long journalSeqMax = RocksBankStore.this.journalSeqMax;

    private Batch(StagedWrites writes) {
      this.writes = writes;
    }

    @Override
    public Optional<Account> load(String id) {
      byte[] key = utf8(id);
      return Optional.ofNullable(writes.get(ACCOUNTS, key)).map(v -> decodeAccount(key, v));
    }

    @Override
    public void save(Account account) {
      writes.put(ACCOUNTS, utf8(account.id()), encode(out -> {
        out.writeByte(FORMAT);
        out.writeLong(account.balance());
        out.writeLong(account.frozen());
      }));
    }

    Optional<Effect> effect(String xid, String branchId) {
      return Optional.ofNullable(writes.get(EFFECTS, branchKey(xid, branchId)))
          .map(RocksBankStore::decodeEffect);
    }

    void putEffect(String xid, String branchId, Effect effect) {
      writes.put(EFFECTS, branchKey(xid, branchId), encode(out -> {
        out.writeByte(FORMAT);
        out.writeUTF(effect.state().name()); // names, not ordinals: stable on disk
        out.write(effect.leg().toBytes());
      }));
    }

    void journal(AppliedCall call) {
      byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(journalNext++).array();
      journalSeqMax = Math.max(journalSeqMax, call.seq());
      writes.put(JOURNAL, key, encode(out -> {
        out.writeByte(FORMAT);
        out.writeLong(call.seq());
        out.writeUTF(call.step().name());
        out.writeUTF(call.xid());
        out.writeUTF(call.branchId());
        out.write(call.leg().toBytes());
      }));
    }
  }

  // ------------------------------------------------------------------ encoding

  /** Writes to a data stream; only the stream's own (impossible) IOException can escape. */
  private interface Encoder {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] encode(Encoder encoder) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      encoder.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static DataInputStream in(byte[] value) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
    int format = in.readUnsignedByte();
    if (format != FORMAT) {
      throw new IllegalStateException("stored bank record has format " + format + "; this"
          + " version reads format " + FORMAT);
    }
    return in;
  }

  private static Account decodeAccount(byte[] key, byte[] value) {
    try (DataInputStream in = in(value)) {
      return new Account(new String(key, StandardCharsets.UTF_8),
          in.readLong(), in.readLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Effect decodeEffect(byte[] value) {
    try (DataInputStream in = in(value)) {
      Effect.State state = Effect.State.valueOf(in.readUTF());
      return new Effect(state, Leg.parse(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AppliedCall decodeCall(byte[] value) {
    try (DataInputStream in = in(value)) {
      long seq = in.readLong();
      AppliedCall.Step step = AppliedCall.Step.valueOf(in.readUTF());
      return new AppliedCall(seq, in.readUTF(), in.readUTF(), step, Leg.parse(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] branchKey(String xid, String branchId) {
    return encode(out -> {
      out.writeUTF(xid);
      out.writeUTF(branchId);
    });
  }

  private static String[] decodeBranchKey(byte[] key) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(key))) {
      return new String[] {in.readUTF(), in.readUTF()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
