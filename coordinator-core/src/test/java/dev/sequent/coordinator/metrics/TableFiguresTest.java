package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.coordinator.table.Ack;
import dev.sequent.coordinator.table.Branch;
import dev.sequent.coordinator.table.Command;
import dev.sequent.coordinator.table.Decision;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The table gauges count TRYING txns, unacknowledged phase-2 calls, and calls held for an
 * operator, including one behind a call an operator already resolved.
 */
class TableFiguresTest {

  private final EntryHarness h = new EntryHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private NodeGauges.TableFigures figures() {
    return NodeGauges.figures(h.table, h.store);
  }

  private static Command.Begin begin(String xid, String... participants) {
    List<Branch> branches = new java.util.ArrayList<>();
    for (String p : participants) {
      branches.add(new Branch("b-" + p, p, new byte[0]));
    }
    return new Command.Begin(xid, 60_000, branches);
  }

  @Test
  void countsWhatTheTableHolds() {
    assertEquals(new NodeGauges.TableFigures(0, 0, 0), figures());

    h.apply(1_000, begin("x1", "p", "q"), begin("x2", "p"), begin("x3", "p"), begin("x4", "q"));
    assertEquals(new NodeGauges.TableFigures(4, 0, 0), figures());

    h.apply(1_100, new Command.Decide("x1", Decision.CONFIRM),
        new Command.Decide("x2", Decision.CANCEL), new Command.Decide("x3", Decision.CONFIRM));
    assertEquals(new NodeGauges.TableFigures(1, 4, 0), figures(), "p#1..3 and q#1 wait");

    h.apply(1_200, new Command.MarkNeedsOperator("p", 1));
    assertEquals(new NodeGauges.TableFigures(1, 4, 1), figures());

    // Resolved, p#1 stays listed until p acks past it; the dispatcher then gives up on p#2.
    h.apply(1_300, new Command.OperatorResolve("p", 1), new Command.MarkNeedsOperator("p", 2));
    assertEquals(new NodeGauges.TableFigures(1, 4, 1), figures());

    h.apply(1_400, new Command.RecordAcks(List.of(new Ack("p", 3), new Ack("q", 1))));
    assertEquals(new NodeGauges.TableFigures(1, 0, 0), figures());
  }
}
