package dev.sequent.examples;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The progress display while transfers run: on a terminal one line redrawn in place with a bar;
 * elsewhere (a pipe, a log file, Maven without a console) a plain line every second. Events
 * (a leader killed) are printed above the bar without tearing it. Drawn by thread {@code
 * demo-progress}.
 */
final class Progress implements AutoCloseable {
  static final int BAR_CELLS = 20;
  static final long BAR_EVERY_MS = 100;
  static final long LINE_EVERY_MS = 1_000;

  /** How progress is shown. */
  enum Mode {
    /** A bar on a terminal (System.console() present), lines otherwise. */
    AUTO,
    BAR,
    LINES
  }

  /** What is drawn: counts so far. */
  record Counts(int total, int decided, int confirmed, int cancelled, long phaseTwoCalls,
      long elapsedNs) {}

  private final PrintStream out;
  private final boolean bar;
  private final Supplier<Counts> counts;
  private final ScheduledExecutorService ticker;
  private int drawnChars;

  Progress(PrintStream out, Mode mode, Supplier<Counts> counts) {
    this.out = out;
    this.bar = mode == Mode.BAR || (mode == Mode.AUTO && System.console() != null);
    this.counts = counts;
    this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "demo-progress");
      thread.setDaemon(true);
      return thread;
    });
    long everyMs = bar ? BAR_EVERY_MS : LINE_EVERY_MS;
    ticker.scheduleAtFixedRate(this::draw, everyMs, everyMs, TimeUnit.MILLISECONDS);
  }

  /** Prints a line of the story above the progress. */
  synchronized void event(String line) {
    if (bar) {
      out.print("\r" + " ".repeat(drawnChars) + "\r");
      drawnChars = 0;
    }
    out.println(line);
    if (bar) {
      draw();
    }
  }

  private synchronized void draw() {
    Counts now = counts.get();
    double seconds = Math.max(now.elapsedNs() / 1e9, 1e-3);
    if (!bar) {
      out.printf("  %d/%d decided (%d confirmed, %d cancelled), %d phase-2 calls applied,"
          + " %.0f/s%n", now.decided(), now.total(), now.confirmed(), now.cancelled(),
          now.phaseTwoCalls(), now.decided() / seconds);
      return;
    }
    int filled = now.total() == 0 ? BAR_CELLS : now.decided() * BAR_CELLS / now.total();
    // At most about 78 columns, so the line never wraps on a classic terminal.
    String line = String.format("  [%s%s] %d/%d  %d confirmed  %d cancelled  %.0f/s",
        "#".repeat(filled), "-".repeat(BAR_CELLS - filled), now.decided(), now.total(),
        now.confirmed(), now.cancelled(), now.decided() / seconds);
    // Pad over the previous drawing, which may have been longer.
    out.print("\r" + line + " ".repeat(Math.max(0, drawnChars - line.length())));
    out.flush();
    drawnChars = line.length();
  }

  /** Stops the ticker and draws the final state (ending the bar's line). */
  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      draw();
      if (bar) {
        out.println();
      }
    }
  }
}
