package dev.sequent.examples;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the examples' terminal output to their own story. Logback (ERROR) covers everything that
 * logs through SLF4J; Ratis's shaded gRPC logs through java.util.logging, and says INFO at start.
 */
public final class QuietLogs {
  // Held strongly: java.util.logging forgets the level of a logger nobody references.
  private static final Logger GRPC = Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

  private QuietLogs() {}

  /** Raises java.util.logging's gRPC threshold to WARNING. Idempotent. */
  public static void apply() {
    GRPC.setLevel(Level.WARNING);
  }
}
