package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import dev.sequent.client.TxnResult;
import dev.sequent.protocol.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code operator list} and {@code operator resolve}: the phase-2 calls whose delivery gave up
 * after the attempt limit, and settling one by hand.
 */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = "Phase-2 calls needing an operator: list them, resolve one.",
    subcommands = {OperatorCommand.ListCalls.class, OperatorCommand.Resolve.class},
    synopsisSubcommandLabel = "(list | resolve)")
final class OperatorCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: list or resolve");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Calls needing an operator, in (participant, seq) order.")
  static final class ListCalls implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--after", paramLabel = "PARTICIPANT:SEQ",
        description = "Start after this call (the previous page's token).")
    String after;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "At most N calls (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
      }
      String afterParticipant = null;
      long afterSeq = 0;
      if (after != null) {
        int colon = after.lastIndexOf(':');
        try {
          afterParticipant = after.substring(0, colon);
          afterSeq = Long.parseLong(after.substring(colon + 1));
        } catch (RuntimeException e) {
          throw new ParameterException(spec.commandLine(),
              "--after must be PARTICIPANT:SEQ, was '" + after + "'");
        }
      }
      try (Session session = SequentCli.root(spec).session(spec)) {
        AdminClient.OperatorCallPage page = session.await(
            session.admin().listNeedsOperator(afterParticipant, afterSeq, limit));
        String next = page.nextAfterParticipant() == null
            ? null : page.nextAfterParticipant() + ":" + page.nextAfterSeq();
        if (session.json) {
          session.printJson(json(page, next));
          return 0;
        }
        if (page.calls().isEmpty()) {
          session.out.println("no calls need an operator" + (next == null ? "" : " on this page"));
        } else {
          Table table = new Table("PARTICIPANT", "SEQ", "XID", "BRANCH", "DECISION");
          for (AdminClient.OperatorCall call : page.calls()) {
            table.row(call.participant(), call.seq(), call.xid(), call.branchId(),
                call.decision());
          }
          table.print(session.out);
          session.out.println("resolve one with: sequent-admin operator resolve PARTICIPANT SEQ");
        }
        session.out.println(next == null ? "(end of list)" : "next page: --after " + next);
        session.out.flush();
        return 0;
      }
    }

    private static Map<String, Object> json(AdminClient.OperatorCallPage page, String next) {
      List<Object> calls = new ArrayList<>();
      for (AdminClient.OperatorCall call : page.calls()) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("participant", call.participant());
        c.put("seq", call.seq());
        c.put("xid", call.xid());
        c.put("branchId", call.branchId());
        c.put("decision", call.decision());
        calls.add(c);
      }
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("calls", calls);
      document.put("next", next);
      return document;
    }
  }

  @Command(name = "resolve", mixinStandardHelpOptions = true,
      description = {"Settle the call (PARTICIPANT, SEQ) by hand: the cluster records it as "
          + "resolved, the participant skips it and the calls after it go on in order.",
          "Do this only after making the participant's state right yourself."})
  static final class Resolve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PARTICIPANT", description = "The participant.")
    String participant;

    @Parameters(index = "1", paramLabel = "SEQ", description = "The call's sequence number.")
    long seq;

    @Override
    public Integer call() {
      if (seq < 1) {
        throw new ParameterException(spec.commandLine(), "SEQ counts from 1, was " + seq);
      }
      try (Session session = SequentCli.root(spec).session(spec)) {
        TxnResult result = session.await(session.admin().resolve(participant, seq));
        if (result.outcome() != Outcome.OK) {
          throw CliFailure.refused(result.outcome() + ": " + result.message());
        }
        if (session.json) {
          Map<String, Object> document = new LinkedHashMap<>();
          document.put("participant", participant);
          document.put("seq", seq);
          document.put("outcome", result.outcome());
          document.put("message", result.message());
          document.put("txn", result.txn() == null ? null : Formats.txn(result.txn()));
          session.printJson(document);
          return 0;
        }
        session.out.println("resolved " + participant + "#" + seq
            + (result.txn() == null
                ? " (" + result.message() + ")"
                : ": txn " + result.txn().xid() + " is " + result.txn().state()));
        session.out.flush();
        return 0;
      }
    }
  }
}
