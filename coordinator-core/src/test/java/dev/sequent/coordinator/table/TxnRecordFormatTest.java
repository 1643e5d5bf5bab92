package dev.sequent.coordinator.table;

import static dev.sequent.coordinator.table.TableHarness.branch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decision time of a txn (format 2 of txn records): set once, at the cluster time of the
 * decision, whoever decides; kept through phase two; and a store written in format 1, before
 * records had it, still reads, with the decision time unknown.
 */
class TxnRecordFormatTest {

  private final TableHarness h = new TableHarness();

  @AfterEach
  void close() {
    h.close();
  }

  /** The txn record exactly as format 1 wrote it: no decision time, no flag for one. */
  private static byte[] formatV1(TxnRecord txn) {
    RecordWriter out = new RecordWriter(64)
        .writeByte(RecordCodec.FORMAT_V1)
        .writeByte(txn.state().code())
        .writeByte(txn.expired() ? 1 : 0)
        .writeVarLong(txn.beganAtMs())
        .writeVarLong(txn.deadlineMs())
        .writeVarLong(txn.timeoutMs())
        .writeVarLong(txn.beginBranchCount())
        .writeVarLong(txn.branches().size());
    for (BranchRecord branch : txn.branches()) {
      out.writeString(branch.branch().branchId())
          .writeString(branch.branch().participant())
          .writeBytes(branch.branch().payload())
          .writeVarLong(branch.seq())
          .writeByte(branch.state().code());
    }
    return out.toByteArray();
  }

  private TxnRecord stored(String xid) {
    return RecordCodec.decodeTxn(xid, h.store.get(TableKeys.TXN, TableKeys.txn(xid)));
  }

  @Test
  void theDecisionTimeIsTheClusterTimeOfTheFirstDecisionAndSurvivesPhaseTwo() {
    h.one(1_000, new Command.Begin("x1", 60_000, List.of(branch("b", "p"))));
    assertEquals(TxnView.UNKNOWN_MS, h.find("x1").decidedAtMs(), "TRYING has no decision time");

    TxnView decided = h.one(1_500, new Command.Decide("x1", Decision.CONFIRM)).txn();
    assertEquals(1_500, decided.decidedAtMs());
    TxnView again = h.one(2_000, new Command.Decide("x1", Decision.CONFIRM)).txn();
    assertEquals(1_500, again.decidedAtMs(), "a repeated decision keeps the first time");

    h.one(2_500, new Command.RecordAcks(List.of(new Ack("p", 1))));
    TxnView done = h.find("x1");
    assertEquals(TxnState.CONFIRMED, done.state());
    assertEquals(1_500, done.decidedAtMs(), "phase two does not move the decision time");
  }

  @Test
  void expiryRecordsTheClusterTimeAtWhichItCancelled() {
    h.one(1_000, new Command.Begin("x1", 100, List.of()));
    h.one(1_700, new Command.ExpireDue(10));
    TxnView txn = h.find("x1");
    assertEquals(TxnState.CANCELLED, txn.state());
    assertEquals(1_700, txn.decidedAtMs());
  }

  @Test
  void aFormat1RecordReadsWithAnUnknownDecisionTimeAndLivesOn() {
    h.one(1_000, new Command.Begin("x1", 60_000, List.of(branch("b", "p"))));
    h.one(1_500, new Command.Decide("x1", Decision.CANCEL));
    TxnRecord current = stored("x1");
    byte[] legacy = formatV1(current);
    // A store written before format 2: the same txn, without its decision time.
    h.raw(staged -> staged.put(TableKeys.TXN, TableKeys.txn("x1"), legacy));

    TxnRecord read = stored("x1");
    assertEquals(TxnView.UNKNOWN_MS, read.decidedAtMs());
    assertEquals(current.branches(), read.branches());
    h.one(2_000, new Command.RecordAcks(List.of(new Ack("p", 1))));
    TxnView done = h.find("x1");
    assertEquals(TxnState.CANCELLED, done.state(), "a format 1 txn completes phase two");
    assertEquals(TxnView.UNKNOWN_MS, done.decidedAtMs(), "an unknown time is never invented");
    assertEquals(RecordCodec.FORMAT_V2,
        h.store.get(TableKeys.TXN, TableKeys.txn("x1"))[0], "rewritten in the current format");
  }

  @Test
  void aFormat2RecordRoundTripsWithAndWithoutItsDecisionTime() {
    TxnRecord trying = new TxnRecord("x", TxnState.TRYING, false, 5, TxnView.UNKNOWN_MS, 10, 5,
        1, List.of(BranchRecord.undecided(branch("b", "p"))));
    TxnRecord decided = new TxnRecord("x", TxnState.CANCELLED, true, 5, 300, 10, 5, 0, List.of());
    for (TxnRecord txn : List.of(trying, decided)) {
      byte[] bytes = RecordCodec.encodeTxn(txn);
      assertEquals(RecordCodec.FORMAT_V2, bytes[0]);
      assertEquals(txn, RecordCodec.decodeTxn("x", bytes));
      assertArrayEquals(bytes, RecordCodec.encodeTxn(RecordCodec.decodeTxn("x", bytes)));
    }
  }

  @Test
  void decisionTimesThatBreakTheRulesAreRefused() {
    TxnRecord tryingWithTime = new TxnRecord("x", TxnState.TRYING, false, 5, 6, 10, 5, 0,
        List.of());
    assertThrows(IllegalStateException.class, () -> RecordCodec.encodeTxn(tryingWithTime));
    TxnRecord decidedBeforeBegin = new TxnRecord("x", TxnState.CANCELLED, false, 5, 4, 10, 5, 0,
        List.of());
    assertThrows(IllegalStateException.class, () -> RecordCodec.encodeTxn(decidedBeforeBegin));

    byte[] v2 = RecordCodec.encodeTxn(
        new TxnRecord("x", TxnState.CANCELLED, false, 5, 8, 10, 5, 0, List.of()));
    byte[] v1WithDecisionFlag = v2.clone();
    v1WithDecisionFlag[0] = RecordCodec.FORMAT_V1;
    assertThrows(IllegalStateException.class,
        () -> RecordCodec.decodeTxn("x", v1WithDecisionFlag), "format 1 had no decision time");
    byte[] unknownFormat = v2.clone();
    unknownFormat[0] = 3;
    assertThrows(IllegalStateException.class, () -> RecordCodec.decodeTxn("x", unknownFormat));
  }
}
