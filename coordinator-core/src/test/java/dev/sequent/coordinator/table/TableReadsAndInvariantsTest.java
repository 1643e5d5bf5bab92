package dev.sequent.coordinator.table;

import static dev.sequent.coordinator.table.TableHarness.branch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read side, the limits' own validation, and broken invariants stopping apply. */
class TableReadsAndInvariantsTest {

  private final TableHarness h = new TableHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private void begin(String xid) {
    h.one(0, new Command.Begin(xid, 1000, List.of(branch("b", "p"))));
  }

  /** Writes raw bytes into a keyspace, bypassing the table: how corruption looks to it. */
  private void plant(String keyspace, String key, byte[] value) {
    h.raw(staged -> staged.put(keyspace, key.getBytes(StandardCharsets.UTF_8), value));
  }

  @Test
  void listPagesInXidOrderWithAnOptionalStateFilter() {
    for (String xid : List.of("d", "a", "c", "b", "e")) {
      begin(xid);
    }
    h.one(0, new Command.Decide("b", Decision.CANCEL));
    h.one(0, new Command.Decide("d", Decision.CONFIRM));

    List<TxnView> first = h.table.list(h.store, null, null, 2);
    List<TxnView> second = h.table.list(h.store, null, "b", 2);
    List<TxnView> trying = h.table.list(h.store, TxnState.TRYING, "a", 10);

    assertEquals(List.of("a", "b"), first.stream().map(TxnView::xid).toList());
    assertEquals(List.of("c", "d"), second.stream().map(TxnView::xid).toList());
    assertEquals(List.of("c", "e"), trying.stream().map(TxnView::xid).toList());
    assertTrue(h.table.list(h.store, null, "e", 10).isEmpty());
  }

  @Test
  void readsOfNothingAnswerEmptyAndPagesOutsideTheLimitAreRefused() {
    assertNull(h.find("nope"));
    assertEquals(0, h.table.clusterTimeMs(h.store));
    assertEquals(0, h.table.lastSeq(h.store, "p"));
    assertThrows(IllegalArgumentException.class, () -> h.table.list(h.store, null, null, 0));
    assertThrows(IllegalArgumentException.class, () -> h.table.pending(h.store, "p", 0,
        TableLimits.DEFAULTS.pageEntriesMax() + 1));
  }

  @Test
  void limitsAreValidatedOnce() {
    assertThrows(IllegalArgumentException.class,
        () -> new TableLimits(0, 8, 3, 4, 2, 10, 1000, 8, 8, 100));
    assertThrows(IllegalArgumentException.class,
        () -> new TableLimits(16, 256, 3, 4, 2, 10, 1000, 8, 8, 100), "id length needs 1 byte");
    assertThrows(IllegalArgumentException.class,
        () -> new TableLimits(16, 8, 3, 4, 2, 100, 99, 8, 8, 100), "min above max");
    assertThrows(IllegalArgumentException.class,
        () -> new TableLimits(16, 8, 100_000, 16 * 1024 * 1024, 2, 10, 1000, 8, 8, 100),
        "worst-case txn record too large");
  }

  @Test
  void aCorruptTxnRecordStopsApplyAndLeavesTheStoreAsItWas() {
    begin("x1");
    plant(TableKeys.TXN, "x1", new byte[] {1, 9, 0});
    String before = h.dump();

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> h.apply(0, new Command.Decide("x1", Decision.CONFIRM)));

    assertTrue(e.getMessage().contains("txn"), e.getMessage());
    assertEquals(before, h.dump());
  }

  @Test
  void anUnknownRecordFormatIsABrokenInvariant() {
    begin("x1");
    plant(TableKeys.TXN, "x1", new byte[] {2});
    assertThrows(IllegalStateException.class, () -> h.find("x1"));
    plant(TableKeys.PARTICIPANT, "p", new byte[] {1, 1, 5});
    assertThrows(IllegalStateException.class, () -> h.table.watermark(h.store, "p"),
        "a watermark above the last seq");
  }

  @Test
  void aDeadlineIndexEntryWithoutItsTxnIsABrokenInvariant() {
    h.raw(staged ->
        staged.put(TableKeys.TXN_DEADLINE, TableKeys.deadline(5, "ghost"), new byte[0]));

    assertThrows(IllegalStateException.class, () -> h.apply(10, new Command.ExpireDue(1)));
  }

  @Test
  void aPhase2CallWhoseTxnDisagreesIsABrokenInvariant() {
    h.apply(0, new Command.Begin("x1", 1000, List.of(branch("b", "p"))),
        new Command.Decide("x1", Decision.CONFIRM));
    h.raw(staged ->
        staged.put(TableKeys.PHASE2_CALL, TableKeys.phase2(TableKeys.phase2Prefix("p"), 1),
            RecordCodec.encodePhase2(new Phase2Ref("x1", "b", Decision.CANCEL))));

    assertThrows(IllegalStateException.class,
        () -> h.apply(0, new Command.RecordAcks(List.of(new Ack("p", 1)))));
  }

  @Test
  void storedRecordsRoundTripAndRefuseTrailingBytes() {
    TxnRecord txn = new TxnRecord("x", TxnState.CANCELLING, true, 5, 7, 10, 5, 1,
        List.of(new BranchRecord(branch("b", "p", 1, 2), 7, BranchState.NEEDS_OPERATOR),
            new BranchRecord(branch("c", "q"), 1, BranchState.ACKED)));
    byte[] bytes = RecordCodec.encodeTxn(txn);

    assertEquals(txn, RecordCodec.decodeTxn("x", bytes));
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(IllegalStateException.class, () -> RecordCodec.decodeTxn("x", longer));
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] shorter = java.util.Arrays.copyOf(bytes, cut);
      assertThrows(IllegalStateException.class, () -> RecordCodec.decodeTxn("x", shorter));
    }
  }

  @Test
  void anInvalidRecordIsNeverWritten() {
    TxnRecord finalWithPendingBranch = new TxnRecord("x", TxnState.CONFIRMED, false, 0, 3, 10,
        10, 1, List.of(new BranchRecord(branch("b", "p"), 1, BranchState.PENDING)));
    assertThrows(IllegalStateException.class, () -> RecordCodec.encodeTxn(finalWithPendingBranch));
  }
}
