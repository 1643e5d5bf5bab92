package dev.sequent.chaos.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At most once: no participant applied a phase-2 call of the same (xid, branch) twice, whatever
 * its seqs and steps ({@code applied-twice}). The fence is what guarantees this under resends,
 * crashes and leader changes; a duplicate is money moved twice (or a confirm and a cancel).
 */
final class AtMostOnceCheck {
  private AtMostOnceCheck() {}

  static List<Violation> run(Evidence evidence) {
    List<Violation> violations = new ArrayList<>();
    for (ParticipantLog log : evidence.state.participants().values()) {
      Map<String, List<AppliedCall>> byBranch = new LinkedHashMap<>();
      for (AppliedCall call : log.applied()) {
        byBranch.computeIfAbsent(call.xid() + "/" + call.branchId(), k -> new ArrayList<>())
            .add(call);
      }
      byBranch.forEach((branch, calls) -> {
        if (calls.size() > 1) {
          violations.add(Violation.of(Check.AT_MOST_ONCE, "applied-twice", log.participant()
              + " applied " + branch + " " + calls.size() + " times: " + calls,
              calls.get(0).xid()));
        }
      });
    }
    return violations;
  }
}
