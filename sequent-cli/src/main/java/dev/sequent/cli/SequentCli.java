package dev.sequent.cli;

import dev.sequent.protocol.tls.TlsSettings;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code sequent-admin}: the operator's command line for a Sequent cluster. Global options say
 * where the cluster is and how to print; subcommands do one thing each. Exit codes: 0 done, 1 the
 * cluster refused the operation, 2 bad usage, 3 the cluster could not be reached.
 */
@Command(name = "sequent-admin", mixinStandardHelpOptions = true, version = "sequent-admin 0.1.0",
    description = "Operate a Sequent cluster: status, transactions, calls needing an operator, "
        + "snapshots, membership.",
    subcommands = {StatusCommand.class, TxnsCommand.class, OperatorCommand.class,
        SnapshotCommand.class, MembersCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the cluster refused the operation",
        "2:bad usage", "3:the cluster could not be reached"})
public final class SequentCli implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SequentCli.class);
  /** Where the nodes come from when --nodes is not given. */
  static final String NODES_ENV = "SEQUENT_NODES";
  static final long TIMEOUT_MS_DEFAULT = 5_000;

  @Spec CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "HOST:PORT[,HOST:PORT...]", scope = ScopeType.INHERIT,
      description = "Client ports of cluster nodes (default: $" + NODES_ENV + ").")
  String nodes;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print one JSON document instead of tables.")
  boolean json;

  @Option(names = "--timeout-ms", paramLabel = "MS", scope = ScopeType.INHERIT,
      defaultValue = "" + TIMEOUT_MS_DEFAULT,
      description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Option(names = "--tls-trust", paramLabel = "PEM", scope = ScopeType.INHERIT,
      description = "Speak TLS to the nodes, trusting the CA certificates in this PEM file.")
  Path tlsTrust;

  @Option(names = "--tls-cert", paramLabel = "PEM", scope = ScopeType.INHERIT,
      description = "This client's certificate chain (PEM), for nodes with tls.clientAuth=require."
          + " Needs --tls-key and --tls-trust.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", scope = ScopeType.INHERIT,
      description = "The unencrypted PKCS#8 private key (PEM) of --tls-cert.")
  Path tlsKey;

  private final Map<String, String> env;

  SequentCli(Map<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(args, out, err, System.getenv()));
  }

  /** Runs one command line; returns its exit code. Output goes to out, errors to err. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
    CommandLine line = new CommandLine(new SequentCli(env))
        .setOut(out)
        .setErr(err)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler((usage, unused) -> {
          CommandLine command = usage.getCommandLine();
          command.getErr().println("sequent-admin: " + usage.getMessage());
          UnmatchedArgumentException.printSuggestions(usage, command.getErr());
          command.getErr().println("Try '" + command.getCommandSpec().qualifiedName()
              + " --help' for more information.");
          return CliFailure.USAGE;
        })
        .setExecutionExceptionHandler((failure, commandLine, parsed) -> {
          if (failure instanceof CliFailure expected) {
            commandLine.getErr().println("sequent-admin: " + expected.getMessage());
            return expected.exitCode();
          }
          // Not an expected failure: a bug. One line still, but say what it was; the stack
          // trace goes to the log (debug level) for whoever investigates.
          LOG.debug("internal error", failure);
          commandLine.getErr().println("sequent-admin: internal error: " + failure);
          return CliFailure.REFUSED;
        });
    int code = line.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command");
  }

  /** The nodes to talk to, from --nodes or the environment; a usage error when neither says. */
  List<InetSocketAddress> nodes(CommandLine line) {
    String spec = nodes != null ? nodes : env.get(NODES_ENV);
    if (spec == null || spec.isBlank()) {
      throw new ParameterException(line,
          "no nodes: give --nodes host:port,... or set " + NODES_ENV);
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      InetSocketAddress address = address(part.trim());
      if (address == null) {
        throw new ParameterException(line, "'" + part.trim() + "' is not host:port");
      }
      if (!addresses.contains(address)) {
        addresses.add(address);
      }
    }
    if (addresses.isEmpty()) {
      throw new ParameterException(line, "--nodes names no node");
    }
    return addresses;
  }

  /** {@code host:port} as an unresolved address, or null when it is not one. */
  static InetSocketAddress address(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return null;
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        return null;
      }
      return InetSocketAddress.createUnresolved(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code host:port} without Java's decoration of unresolved addresses. */
  static String describe(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /** The session of a subcommand: the cluster client built from the global options. */
  Session session(CommandSpec command) {
    if (timeoutMs < 1) {
      throw new ParameterException(command.commandLine(), "--timeout-ms must be positive");
    }
    CommandLine line = command.commandLine();
    return new Session(nodes(line), timeoutMs, json, tls(line), line.getOut(), line.getErr());
  }

  /** The client's TLS settings from the --tls-* options, or null for plaintext. */
  TlsSettings tls(CommandLine line) {
    if (tlsTrust == null) {
      if (tlsCert != null || tlsKey != null) {
        throw new ParameterException(line, "--tls-cert and --tls-key need --tls-trust");
      }
      return null;
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(line, "--tls-cert and --tls-key go together");
    }
    try {
      return tlsCert == null ? TlsSettings.trustOnly(tlsTrust)
          : TlsSettings.fromPem(tlsCert, tlsKey, tlsTrust);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(line, e.getMessage());
    }
  }

  /** The root command of a subcommand's spec. */
  static SequentCli root(CommandSpec command) {
    return (SequentCli) command.root().userObject();
  }
}
