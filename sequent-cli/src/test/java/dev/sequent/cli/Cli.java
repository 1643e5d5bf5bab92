package dev.sequent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Runs sequent-admin in-process, as main would, capturing its exit code and output. */
final class Cli {
  private Cli() {}

  /** One run: the exit code, stdout and stderr. */
  record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SequentCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true),
        env);
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  /** A run in the background whose output can be read while it goes on. */
  record Running(Thread thread, StringWriter out, StringWriter err, int[] code) {
    /** Waits (bounded) for the end of the run. */
    Run await(long timeoutMs) throws InterruptedException {
      thread.join(timeoutMs);
      if (thread.isAlive()) {
        throw new AssertionError("sequent-admin still running after " + timeoutMs + " ms:\n"
            + out + err);
      }
      return new Run(code[0], out.toString(), err.toString());
    }
  }

  static Running start(String... args) {
    // StringWriter appends to a StringBuffer, so the test may read it while the run writes.
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int[] code = {-1};
    Thread thread = new Thread(() -> code[0] = SequentCli.execute(args,
        new PrintWriter(out, true), new PrintWriter(err, true), Map.of()), "sequent-admin-run");
    thread.setDaemon(true);
    thread.start();
    return new Running(thread, out, err, code);
  }

  static String nodes(List<InetSocketAddress> addresses) {
    return addresses.stream().map(a -> a.getHostString() + ":" + a.getPort())
        .collect(Collectors.joining(","));
  }
}
