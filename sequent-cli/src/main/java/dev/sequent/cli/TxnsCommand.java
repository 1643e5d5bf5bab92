package dev.sequent.cli;

import dev.sequent.client.AdminClient;
import dev.sequent.client.BranchSnapshot;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnSnapshot;
import dev.sequent.client.TxnState;
import dev.sequent.protocol.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code txns list} and {@code txns show}: the transactions the cluster holds. */
@Command(name = "txns", mixinStandardHelpOptions = true,
    description = "List transactions, or show one with its branches.",
    subcommands = {TxnsCommand.ListTxns.class, TxnsCommand.ShowTxn.class},
    synopsisSubcommandLabel = "(list | show)")
final class TxnsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: list or show");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "A page of transactions in xid order; the next page starts --after the "
          + "token printed at the end.")
  static final class ListTxns implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--state", paramLabel = "STATE",
        description = "Only this state: TRYING, CONFIRMING, CONFIRMED, CANCELLING, CANCELLED.")
    TxnState state;

    @Option(names = "--after", paramLabel = "XID",
        description = "Start after this xid (the previous page's token).")
    String after;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "At most N transactions (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (state == TxnState.UNKNOWN) {
        throw new ParameterException(spec.commandLine(), "UNKNOWN is no state to list by");
      }
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
      }
      try (Session session = SequentCli.root(spec).session(spec)) {
        AdminClient.TxnPage page = session.await(session.admin().listTxns(state, after, limit));
        if (session.json) {
          Map<String, Object> document = new LinkedHashMap<>();
          List<Object> txns = new ArrayList<>();
          page.txns().forEach(txn -> txns.add(Formats.txn(txn)));
          document.put("txns", txns);
          document.put("next", page.nextAfterXid());
          session.printJson(document);
          return 0;
        }
        Table table = new Table("XID", "STATE", "BRANCHES", "BEGAN", "DEADLINE");
        for (TxnSnapshot txn : page.txns()) {
          table.row(txn.xid(), txn.state() + (txn.expired() ? " (expired)" : ""),
              txn.branches().size(), Formats.time(txn.beganAtMs()),
              Formats.time(txn.deadlineMs()));
        }
        table.print(session.out);
        session.out.println(page.nextAfterXid() == null
            ? "(end of list)"
            : "next page: --after " + page.nextAfterXid());
        session.out.flush();
        return 0;
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One transaction with its branches and their phase-2 state.")
  static final class ShowTxn implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "XID", description = "The transaction id.")
    String xid;

    @Override
    public Integer call() {
      try (Session session = SequentCli.root(spec).session(spec)) {
        TxnResult result = session.await(session.admin().showTxn(xid));
        if (result.outcome() != Outcome.OK || result.txn() == null) {
          throw CliFailure.refused(result.outcome() + ": " + (result.message().isEmpty()
              ? "no transaction " + xid : result.message()));
        }
        TxnSnapshot txn = result.txn();
        if (session.json) {
          session.printJson(Formats.txn(txn));
          return 0;
        }
        session.out.println("xid:      " + txn.xid());
        session.out.println("state:    " + txn.state() + (txn.expired() ? " (expired)" : ""));
        session.out.println("began:    " + Formats.time(txn.beganAtMs()));
        session.out.println("deadline: " + Formats.time(txn.deadlineMs()));
        session.out.println();
        Table table = new Table("BRANCH", "PARTICIPANT", "SEQ", "PHASE2", "PAYLOAD_BYTES");
        for (BranchSnapshot branch : txn.branches()) {
          table.row(branch.branchId(), branch.participant(),
              branch.seq() == 0 ? null : branch.seq(), branch.phase2State(),
              branch.payloadBytes());
        }
        if (table.isEmpty()) {
          session.out.println("(no branches)");
        } else {
          table.print(session.out);
        }
        session.out.flush();
        return 0;
      }
    }
  }
}
