package dev.sequent.coordinator.table;

import dev.sequent.protocol.Outcome;
import java.util.Objects;

/**
 * What applying one command answered: the outcome, the txn as it is after the command (null when
 * the command names no single txn, or the txn does not exist), and a human-readable detail ("" when
 * there is nothing to add; a null detail becomes ""). Business rejections are results like this,
 * never exceptions.
 */
public record CommandResult(Outcome outcome, TxnView txn, String detail) {

  public CommandResult {
    Objects.requireNonNull(outcome, "outcome");
    detail = detail == null ? "" : detail;
  }

  static CommandResult ok(TxnView txn) {
    return new CommandResult(Outcome.OK, txn, "");
  }

  static CommandResult ok(String detail) {
    return new CommandResult(Outcome.OK, null, detail);
  }

  static CommandResult refused(Outcome outcome, TxnView txn, String detail) {
    return new CommandResult(outcome, txn, detail);
  }

  static CommandResult refused(Outcome outcome, String detail) {
    return new CommandResult(outcome, null, detail);
  }
}
