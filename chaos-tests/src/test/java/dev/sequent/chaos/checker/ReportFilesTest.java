package dev.sequent.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.chaos.history.History;
import dev.sequent.chaos.json.Json;
import dev.sequent.chaos.json.JsonObject;
import dev.sequent.client.TxnState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's files: the final state and the history read back give the same verdict as the
 * originals (a failed CI run can be checked again offline), and the summary says what the report
 * says.
 */
class ReportFilesTest {

  @Test
  void aSavedRunIsCheckedAgainWithTheSameVerdict(@TempDir Path dir) throws IOException {
    Run run = BankScenario.correct();
    run.state("t7", TxnState.CONFIRMING); // a broken run, so the verdict has content
    Path historyFile = dir.resolve("chaos/history.jsonl");
    Path stateFile = dir.resolve("chaos/final-state.json");
    run.history().writeJsonLines(historyFile);
    run.finalState().write(stateFile);

    FinalState state = FinalState.read(stateFile);
    assertEquals(run.finalState(), state);
    CheckReport again = Checker.check(History.readJsonLines(historyFile), state, run.recovery);
    assertEquals(run.check(), again);
  }

  @Test
  void aFinalStateWithAnUnknownFieldOrATxnTwiceIsRefused() {
    String json = BankScenario.correct().finalState().toJson();
    assertThrows(IllegalArgumentException.class,
        () -> FinalState.fromJson(json.replace("\"watermark\":7", "\"watermark\":7,\"x\":1")));
    String t1 = json.substring(json.indexOf("{\"xid\":\"t1\""), json.indexOf(",{\"xid\":\"t2\""));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> FinalState.fromJson(json.replace(t1, t1 + "," + t1)));
    assertEquals("$.cluster: t1 appears twice", refused.getMessage());
  }

  @Test
  void theSummaryCarriesTheSeedFaultsOutcomesViolationsAndRecovery(@TempDir Path dir)
      throws IOException {
    Run run = BankScenario.correct();
    run.state("t7", TxnState.CONFIRMING);
    run.recovery = Recovery.within(1_234, 30_000);
    CheckReport report = run.check();
    Map<String, Long> faults = new TreeMap<>(Map.of("kill-leader", 3L, "partition", 2L));
    Summary summary = Summary.of(42, faults, report);
    Path file = dir.resolve("chaos/summary.json");
    summary.write(file);

    JsonObject json = Json.parseObject(Files.readString(file));
    assertEquals(42, json.longValue("seed"));
    assertEquals(false, json.bool("ok"));
    assertEquals(report.line(), json.string("line"));
    assertEquals(3, json.object("faults").longValue("kill-leader"));
    assertEquals(2, json.object("operations").object("transfer").longValue("ok"));
    assertEquals(3, json.object("operations").object("transfer").longValue("info"));
    assertEquals(1, json.object("violations").longValue("ATOMICITY"));
    assertEquals(0, json.object("violations").longValue("ORDER"));
    assertEquals(1, json.object("violationKinds").longValue("LIVENESS/not-final"));
    assertEquals(1_234, json.object("recovery").longValue("recoveryMs"));
    assertEquals(2, json.object("reads").longValue("exact"));
    List<JsonObject> listed = json.objects("violationList");
    assertEquals(2, listed.size());
    assertEquals(List.of("t7"), listed.get(0).array("xids"));
    assertTrue(report.line().startsWith("FAIL: 2 violations (ATOMICITY 1, LIVENESS 1)"),
        report.line());
  }

  @Test
  void theSummaryListsAtMostAHundredViolationsButCountsThemAll() {
    Run run = BankScenario.correct();
    for (int i = 0; i < 150; i++) {
      run.logs.get(BankScenario.A).add(new AppliedCall("ghost-" + i, "debit", 8 + i,
          AppliedCall.Step.CANCEL));
    }
    CheckReport report = run.check();
    Summary summary = Summary.of(7, Map.of(), report);
    assertEquals(Summary.VIOLATIONS_LISTED_MAX, summary.violations().size());
    assertEquals(150L, summary.violationsByCheck().get(Check.ATOMICITY));
    assertEquals(150L, summary.violationsByCheck().get(Check.ORDER));
    assertTrue(report.describe().endsWith("... and 100 more"), report.describe());
  }
}
