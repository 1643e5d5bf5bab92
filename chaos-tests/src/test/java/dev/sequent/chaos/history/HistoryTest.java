package dev.sequent.chaos.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The recorder's rules, its thread safety, and its JSON lines: exact round trips, strict reads. */
class HistoryTest {
  private static final AccountRef A1 = new AccountRef("bank-a", "a1");
  private static final AccountRef B1 = new AccountRef("bank-b", "b1");
  private static final Transfer T1 = new Transfer("t1", A1, B1, 5);

  private final long[] now = {7_000};
  private final History history = History.recorder(() -> now[0] += 10);

  @Test
  void eventsAreNumberedAndTimedFromTheFirstClockReadingInsideTheAppend() {
    Event invoke = history.invoke(3, T1);
    Event ok = history.ok(3, T1);
    assertEquals(new Event(0, EventType.INVOKE, 3, 10, T1, ""), invoke);
    assertEquals(new Event(1, EventType.OK, 3, 20, T1, ""), ok);
    assertEquals(List.of(invoke, ok), history.events());
  }

  @Test
  void aProcessRunsOneOperationAtATime() {
    history.invoke(1, T1);
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> history.invoke(1, Read.pending()));
    assertEquals("process 1 invokes again while its event 0 has not completed",
        refused.getMessage());
    assertEquals(Map.of(1, history.events().get(0)), history.running());
  }

  @Test
  void aCompletionNeedsItsOwnInvokeAndTheSameTransfer() {
    assertThrows(IllegalStateException.class, () -> history.ok(2, T1));
    history.invoke(2, T1);
    Transfer other = new Transfer("t1", A1, B1, 6);
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> history.fail(2, other, "x"));
    assertTrue(refused.getMessage().contains("completes transfer t1 6"), refused.getMessage());
    assertThrows(IllegalStateException.class, () -> history.ok(2, Read.pending()));
    history.info(2, T1, "timed out"); // the refused completions left the invoke open
    assertEquals(2, history.size());
  }

  @Test
  void anXidIsInvokedOnceInAHistory() {
    history.invoke(1, T1);
    history.fail(1, T1, "refused");
    assertEquals("xid t1 invoked twice",
        assertThrows(IllegalStateException.class, () -> history.invoke(2, T1)).getMessage());
  }

  @Test
  void onlyAnOkReadCarriesBalances() {
    Read seen = Read.of(Map.of(A1, new Balance(1, 0)));
    assertThrows(IllegalStateException.class, () -> history.invoke(1, seen));
    history.invoke(1, Read.pending());
    assertThrows(IllegalStateException.class, () -> history.info(1, seen, "timed out"));
    history.ok(1, seen);
  }

  @Test
  void aFinishedHistoryCannotBeAppendedTo() {
    history.invoke(1, T1);
    History finished = History.of(history.events());
    assertThrows(IllegalStateException.class, () -> finished.ok(1, T1));
  }

  @Test
  void manyClientThreadsAppendSafelyAndTimesNeverDecrease() throws Exception {
    History shared = History.recorder(System::nanoTime);
    int threads = 8;
    int operations = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int process = t;
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < operations; i++) {
          Transfer transfer = new Transfer("p" + process + "-" + i, A1, B1, 1 + i);
          shared.invoke(process, transfer);
          shared.ok(process, transfer);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    List<Event> events = shared.events();
    assertEquals(threads * operations * 2, events.size());
    History.of(events); // every rule holds: indexes, times, one operation per process
  }

  @Test
  void jsonLinesRoundTripExactlyWithAwkwardStrings(@TempDir Path dir) throws IOException {
    String awkward = "q\"b\\n\nr\rt\t\u0000\u001f\u007f é € 💸 \ud800 \udc00 \u2028 </x>";
    AccountRef from = new AccountRef("bank \"a\"\n", "acc\\1 " + awkward);
    AccountRef to = new AccountRef("银行-b", "{\"not\":\"json\"}");
    Transfer transfer = new Transfer("xid " + awkward, from, to, Long.MAX_VALUE);
    history.invoke(Integer.MAX_VALUE, transfer);
    history.info(Integer.MAX_VALUE, transfer, "error " + awkward);
    history.invoke(0, Read.pending());
    history.ok(0, new Read(Map.of(from, new Balance(-3, Long.MIN_VALUE), to,
        new Balance(Long.MAX_VALUE, 0)), Map.of("bank \"a\"\n", 0L, "银行-b", 12L)));
    history.invoke(4, new Transfer("t-open", to, from, 1));

    Path file = dir.resolve("chaos/history.jsonl");
    history.writeJsonLines(file);
    assertEquals(history.events(), History.readJsonLines(file).events());
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(history.size(), lines.size(), "one event a line: no raw line break inside");
    assertTrue(lines.get(0).startsWith("{\"index\":0,\"type\":\"invoke\",\"f\":\"transfer\","
        + "\"process\":2147483647,\"timeNs\":10,\"value\":{\"xid\":\"xid q\\\"b\\\\n\\n"),
        lines.get(0));
  }

  @Test
  void anEmptyHistoryIsAnEmptyFile() throws IOException {
    StringWriter out = new StringWriter();
    history.writeJsonLines(out);
    assertEquals("", out.toString());
    assertEquals(0, read("").size());
  }

  private static final String INVOKE = "{\"index\":0,\"type\":\"invoke\",\"f\":\"transfer\","
      + "\"process\":1,\"timeNs\":5,\"value\":{\"xid\":\"t1\",\"from\":{\"participant\":\"a\","
      + "\"account\":\"a1\"},\"to\":{\"participant\":\"b\",\"account\":\"b1\"},\"amount\":5}}";

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "garbage|line 2: at character 1: unexpected character 'g', expected a value",
      "{\"index\":1|line 2: at character 11: unexpected end of text",
      "|line 2: empty line",
      "{\"index\":1,\"type\":\"ok\",\"f\":\"transfer\",\"process\":1,\"timeNs\":9,\"extra\":1,"
          + "\"value\":{}}|line 2: $: unknown field(s) [extra]",
      "{\"index\":\"1\",\"type\":\"ok\",\"f\":\"read\",\"process\":1,\"timeNs\":9,"
          + "\"value\":{\"balances\":[],\"appliedSeqs\":{}}}|line 2: $.index: expected a number",
      "{\"index\":1,\"type\":\"done\",\"f\":\"read\",\"process\":1,\"timeNs\":9,"
          + "\"value\":{\"balances\":[],\"appliedSeqs\":{}}}"
          + "|line 2: $.type: unknown value \"done\"",
      "{\"index\":1,\"type\":\"ok\",\"f\":\"transfer\",\"process\":1,\"timeNs\":9,"
          + "\"value\":{\"xid\":\"t1\",\"from\":{\"participant\":\"a\",\"account\":\"a1\"},"
          + "\"to\":{\"participant\":\"b\",\"account\":\"b1\"},\"amount\":-5}}"
          + "|line 2: t1: an amount must be positive, was -5",
      "{\"index\":1,\"type\":\"ok\",\"f\":\"transfer\",\"process\":1,\"timeNs\":9,"
          + "\"value\":{\"xid\":\"t1\",\"from\":{\"participant\":\"a\",\"account\":\"a1\"},"
          + "\"to\":{\"participant\":\"b\",\"account\":\"b1\"},\"amount\":5.0}}"
          + "|line 2: at character 174: only integers",
      "{\"index\":7,\"type\":\"info\",\"f\":\"read\",\"process\":2,\"timeNs\":9,"
          + "\"value\":{\"balances\":[],\"appliedSeqs\":{}}}|line 2: event index 7 where 1 was due",
      "{\"index\":1,\"type\":\"info\",\"f\":\"read\",\"process\":2,\"timeNs\":9,"
          + "\"value\":{\"balances\":[],\"appliedSeqs\":{}}}"
          + "|line 2: process 2 completes an operation it never invoked",
      "{\"index\":1,\"type\":\"ok\",\"f\":\"read\",\"process\":1,\"timeNs\":9,"
          + "\"value\":{\"balances\":[],\"appliedSeqs\":{}}}"
          + "|line 2: process 1 invoked a TRANSFER but completes a READ",
      "{\"index\":1,\"type\":\"invoke\",\"f\":\"read\",\"process\":2,\"timeNs\":4,"
          + "\"value\":{\"balances\":[],\"appliedSeqs\":{}}}"
          + "|line 2: event 1 at 4 ns is before the previous event at 5 ns",
      "{\"index\":1,\"type\":\"invoke\",\"f\":\"read\",\"process\":2,\"timeNs\":9,"
          + "\"value\":{\"balances\":[],\"appliedSeqs\":{}},\"value\":null}"
          + "|line 2: at character 103: duplicate key \"value\""})
  void aMalformedLineIsRefusedWithItsNumberAndTheReason(String line, String message) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> read(INVOKE + "\n" + (line == null ? "" : line) + "\n"));
    assertTrue(refused.getMessage().startsWith("test.jsonl " + message), refused.getMessage());
  }

  @Test
  void theReaderAcceptsItsOwnLinesAndAFileWithoutAFinalNewline() throws IOException {
    assertEquals(1, read(INVOKE).size());
    assertEquals(1, read(INVOKE + "\n").size());
  }

  private static History read(String text) throws IOException {
    return History.readJsonLines(new BufferedReader(new StringReader(text)), "test.jsonl");
  }
}
