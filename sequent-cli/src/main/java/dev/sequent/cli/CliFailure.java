package dev.sequent.cli;

/**
 * An expected way for a command to fail, with its exit code: printed as one line, never as a stack
 * trace. Thrown without a stack trace of its own.
 */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The cluster (or the node asked) refused the operation: a bad id, an unknown call. */
  static final int REFUSED = 1;
  /** The command line makes no sense (picocli's own code for invalid input, too). */
  static final int USAGE = 2;
  /** No node answered, or none could serve the request, in time. */
  static final int UNREACHABLE = 3;

  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  static CliFailure refused(String message) {
    return new CliFailure(REFUSED, message);
  }

  static CliFailure unreachable(String message) {
    return new CliFailure(UNREACHABLE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
