package dev.sequent.examples;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The demo's command line. A small hand-written parser: the examples module keeps its
 * dependencies to what a service embedding Sequent needs.
 *
 * @param transfers how many transfers to run
 * @param concurrency how many may be in flight at once
 * @param killLeader whether to kill the coordinator's leader a third of the way through
 * @param seed the seed of every random choice (accounts, amounts, which transfers misbehave)
 * @param accountsPerBank accounts opened in each bank
 * @param progress how to show progress
 */
record DemoOptions(int transfers, int concurrency, boolean killLeader, long seed,
    int accountsPerBank, Progress.Mode progress) {
  static final int TRANSFERS_DEFAULT = 1_000;
  static final int TRANSFERS_MAX = 1_000_000;
  static final int CONCURRENCY_DEFAULT = 32;
  static final int CONCURRENCY_MAX = 1_024;
  static final int ACCOUNTS_DEFAULT = 20;
  static final int ACCOUNTS_MAX = 10_000;

  private static final Set<String> OPTIONS_WITH_VALUES =
      Set.of("--transfers", "--concurrency", "--seed", "--accounts", "--progress");

  static final String USAGE = String.join("\n",
      "Usage: Demo [options]",
      "  --transfers N      transfers to run (default " + TRANSFERS_DEFAULT + ")",
      "  --concurrency C    transfers in flight at once (default " + CONCURRENCY_DEFAULT + ")",
      "  --kill-leader      kill the coordinator's leader a third of the way through",
      "  --seed S           seed of the random choices (default: a new one, printed)",
      "  --accounts A       accounts per bank (default " + ACCOUNTS_DEFAULT + ")",
      "  --progress MODE    auto, bar (one line redrawn) or lines (default auto)",
      "  --help             this text");

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** True when the arguments ask for the usage text. */
  static boolean wantsHelp(String... args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads {@code --name value} and {@code --name=value}. An argument with blanks in it is split
   * on them first, so one Maven property can carry every option; blank arguments are ignored.
   */
  static DemoOptions parse(String... given) throws UsageException {
    String[] args = Arrays.stream(given).flatMap(arg -> Arrays.stream(arg.trim().split("\\s+")))
        .filter(arg -> !arg.isEmpty()).toArray(String[]::new);
    int transfers = TRANSFERS_DEFAULT;
    int concurrency = CONCURRENCY_DEFAULT;
    boolean killLeader = false;
    long seed = ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
    int accounts = ACCOUNTS_DEFAULT;
    Progress.Mode progress = Progress.Mode.AUTO;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      if (name.equals("--kill-leader")) {
        killLeader = true;
        continue;
      }
      if (!OPTIONS_WITH_VALUES.contains(name)) {
        throw new UsageException("unknown option " + name);
      }
      String value = inline;
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--transfers" -> transfers = intValue(name, value, 1, TRANSFERS_MAX);
        case "--concurrency" -> concurrency = intValue(name, value, 1, CONCURRENCY_MAX);
        case "--seed" -> seed = longValue(name, value);
        case "--accounts" -> accounts = intValue(name, value, 2, ACCOUNTS_MAX);
        case "--progress" -> progress = modeValue(value);
        default -> throw new UsageException("unknown option " + name);
      }
    }
    return new DemoOptions(transfers, concurrency, killLeader, seed, accounts, progress);
  }

  private static int intValue(String name, String value, int min, int max)
      throws UsageException {
    long parsed = longValue(name, value);
    if (parsed < min || parsed > max) {
      throw new UsageException(name + " must be between " + min + " and " + max + ", was "
          + value);
    }
    return (int) parsed;
  }

  private static long longValue(String name, String value) throws UsageException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a whole number, was '" + value + "'");
    }
  }

  private static Progress.Mode modeValue(String value) throws UsageException {
    switch (value) {
      case "auto":
        return Progress.Mode.AUTO;
      case "bar":
        return Progress.Mode.BAR;
      case "lines":
        return Progress.Mode.LINES;
      default:
        throw new UsageException("--progress must be auto, bar or lines, was '" + value + "'");
    }
  }
}
