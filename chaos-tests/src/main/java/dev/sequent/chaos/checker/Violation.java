package dev.sequent.chaos.checker;

import java.util.List;
import java.util.Objects;

/**
 * One broken rule.
 *
 * @param check the rule
 * @param kind what exactly broke, a short stable code such as {@code mixed-outcome} or {@code
 *     wrong-total}
 * @param xids the transactions involved, sorted (empty when none is, as for a read's total)
 * @param message a sentence saying what was compared and what was found
 */
public record Violation(Check check, String kind, List<String> xids, String message) {

  public Violation {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    xids = xids.stream().distinct().sorted().toList();
  }

  static Violation of(Check check, String kind, String message, String... xids) {
    return new Violation(check, kind, List.of(xids), message);
  }

  @Override
  public String toString() {
    return check + " " + kind + (xids.isEmpty() ? "" : " " + xids) + ": " + message;
  }
}
