package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.OpKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The checker's verdict on one run: every violation, how the operations completed, the read
 * figures, and the recovery the harness measured.
 *
 * @param violations every violation, grouped by check in {@link Check} order
 * @param operations per operation kind, how many completed ok, fail and info
 * @param reads Jepsen's bank figures for the ok reads
 * @param recovery what the harness measured after healing
 */
public record CheckReport(List<Violation> violations, Map<OpKind, OutcomeCounts> operations,
    ReadTotals reads, Recovery recovery) {
  /** {@link #describe()} lists at most this many violations. */
  public static final int DESCRIBED_MAX = 200;
  /** The one-line summary quotes at most this many characters of the first violation. */
  static final int LINE_QUOTE_CHARS_MAX = 240;

  public CheckReport {
    violations = List.copyOf(violations);
    operations = Collections.unmodifiableMap(new EnumMap<>(operations));
    Objects.requireNonNull(reads, "reads");
    Objects.requireNonNull(recovery, "recovery");
  }

  /** True when no rule was broken. */
  public boolean ok() {
    return violations.isEmpty();
  }

  /** The violations of one check. */
  public List<Violation> violations(Check check) {
    return violations.stream().filter(v -> v.check() == check).collect(Collectors.toList());
  }

  /** How many violations each check found, every check listed, zeros included. */
  public Map<Check, Long> countsByCheck() {
    Map<Check, Long> counts = new EnumMap<>(Check.class);
    for (Check check : Check.values()) {
      counts.put(check, 0L);
    }
    violations.forEach(v -> counts.merge(v.check(), 1L, Long::sum));
    return Collections.unmodifiableMap(counts);
  }

  /** How many violations of each kind, as {@code CHECK/kind}, sorted. */
  public Map<String, Long> countsByKind() {
    Map<String, Long> counts = new TreeMap<>();
    violations.forEach(v -> counts.merge(v.check() + "/" + v.kind(), 1L, Long::sum));
    return Collections.unmodifiableMap(counts);
  }

  /** One line for a log or a CI summary: the verdict, the operations, the first violation. */
  public String line() {
    StringBuilder line = new StringBuilder(ok() ? "PASS: 0 violations" : "FAIL: "
        + violations.size() + " violations (" + nonZeroCounts() + ")");
    line.append("; transfers ").append(operations.getOrDefault(OpKind.TRANSFER,
        OutcomeCounts.NONE));
    line.append("; reads ").append(operations.getOrDefault(OpKind.READ, OutcomeCounts.NONE))
        .append(" (").append(reads.exact()).append(" checked exactly, ")
        .append(reads.wrongTotal()).append(" wrong totals)");
    line.append("; recovery ").append(recovery.recoveryMs() == Recovery.NOT_RECOVERED
        ? "not finished" : recovery.recoveryMs() + " ms").append(" (bound ")
        .append(recovery.boundMs()).append(" ms)");
    if (!ok()) {
      String first = violations.get(0).toString();
      line.append("; first: ").append(first.length() <= LINE_QUOTE_CHARS_MAX ? first
          : first.substring(0, LINE_QUOTE_CHARS_MAX - 3) + "...");
    }
    return line.toString();
  }

  /** The line, then every violation on its own line (at most {@link #DESCRIBED_MAX}). */
  public String describe() {
    StringBuilder text = new StringBuilder(line());
    text.append('\n').append("  reads: ").append(reads);
    for (int i = 0; i < Math.min(violations.size(), DESCRIBED_MAX); i++) {
      text.append('\n').append("  ").append(violations.get(i));
    }
    if (violations.size() > DESCRIBED_MAX) {
      text.append('\n').append("  ... and ").append(violations.size() - DESCRIBED_MAX)
          .append(" more");
    }
    return text.toString();
  }

  private String nonZeroCounts() {
    return countsByCheck().entrySet().stream().filter(e -> e.getValue() > 0)
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }
}
