package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.OpKind;
import dev.sequent.chaos.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One run's summary, written as {@code chaos-tests/target/chaos/summary.json} and printed: the
 * seed that replays the nemesis schedule, the faults injected, how the operations completed, the
 * violations by check and by kind (the first {@link #VIOLATIONS_LISTED_MAX} in full, with their
 * txn ids), the read figures and the recovery.
 *
 * @param seed the seed of the run's schedule
 * @param faultsByKind faults injected, by kind (the harness's names, such as {@code kill-leader})
 * @param operations per operation kind, how many completed ok, fail and info
 * @param violationsByCheck violations per check, every check listed
 * @param violationsByKind violations per {@code CHECK/kind}
 * @param reads the read figures
 * @param recovery what the harness measured after healing
 * @param line the report's one-line summary
 * @param violations the first violations in full
 */
public record Summary(long seed, Map<String, Long> faultsByKind,
    Map<OpKind, OutcomeCounts> operations, Map<Check, Long> violationsByCheck,
    Map<String, Long> violationsByKind, ReadTotals reads, Recovery recovery, String line,
    List<Violation> violations) {
  /** The summary lists at most this many violations in full; the counts are always complete. */
  public static final int VIOLATIONS_LISTED_MAX = 100;

  public Summary {
    faultsByKind = Collections.unmodifiableMap(new TreeMap<>(faultsByKind));
    operations = Collections.unmodifiableMap(new EnumMap<>(operations));
    violationsByCheck = Collections.unmodifiableMap(new EnumMap<>(violationsByCheck));
    violationsByKind = Collections.unmodifiableMap(new TreeMap<>(violationsByKind));
    Objects.requireNonNull(reads, "reads");
    Objects.requireNonNull(recovery, "recovery");
    Objects.requireNonNull(line, "line");
    violations = List.copyOf(violations);
  }

  /** The summary of a checked run. */
  public static Summary of(long seed, Map<String, Long> faultsByKind, CheckReport report) {
    List<Violation> listed = report.violations()
        .subList(0, Math.min(report.violations().size(), VIOLATIONS_LISTED_MAX));
    return new Summary(seed, faultsByKind, report.operations(), report.countsByCheck(),
        report.countsByKind(), report.reads(), report.recovery(), report.line(), listed);
  }

  /** True when every check found nothing. */
  public boolean ok() {
    return violationsByCheck.values().stream().allMatch(count -> count == 0);
  }

  /** The summary as a JSON document. */
  public String toJson() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("seed", seed);
    document.put("ok", ok());
    document.put("line", line);
    document.put("faults", new LinkedHashMap<>(faultsByKind));
    Map<String, Object> ops = new LinkedHashMap<>();
    operations.forEach((kind, counts) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("ok", counts.ok());
      entry.put("fail", counts.fail());
      entry.put("info", counts.info());
      ops.put(kind.name().toLowerCase(Locale.ROOT), entry);
    });
    document.put("operations", ops);
    Map<String, Object> byCheck = new LinkedHashMap<>();
    violationsByCheck.forEach((check, count) -> byCheck.put(check.name(), count));
    document.put("violations", byCheck);
    document.put("violationKinds", new LinkedHashMap<>(violationsByKind));
    document.put("reads", readsJson());
    document.put("recovery", recoveryJson());
    document.put("violationList", violationList());
    return Json.write(document);
  }

  /** Writes {@link #toJson()} to the file, replacing it. */
  public void write(Path file) throws IOException {
    JsonFiles.write(file, toJson());
  }

  private Map<String, Object> readsJson() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("checked", reads.checked());
    entry.put("exact", reads.exact());
    entry.put("wrongTotal", reads.wrongTotal());
    entry.put("firstWrongIndex", reads.firstWrongIndex());
    entry.put("worstWrongIndex", reads.worstWrongIndex());
    entry.put("worstDelta", reads.worstDelta());
    return entry;
  }

  private Map<String, Object> recoveryJson() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("leaderElected", recovery.leaderElected());
    entry.put("recoveryMs", recovery.recoveryMs());
    entry.put("boundMs", recovery.boundMs());
    return entry;
  }

  private List<Object> violationList() {
    List<Object> list = new ArrayList<>();
    for (Violation violation : violations) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("check", violation.check().name());
      entry.put("kind", violation.kind());
      entry.put("xids", new ArrayList<Object>(violation.xids()));
      entry.put("message", violation.message());
      list.add(entry);
    }
    return list;
  }
}
