package dev.sequent.chaos.history;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A history of operations, in the order they were recorded. As a recorder it is shared by the
 * client threads of a workload: each append takes one lock, stamps the event with its index and
 * the clock's time inside that lock (so times never decrease along the history), and checks the
 * event against the rules below before keeping it, so a harness bug fails at the call that made
 * it, with a stack trace.
 *
 * <p>The rules, which every history also meets when read from a file: a process runs one
 * operation at a time (an invoke, then at most one completion of the same kind); a transfer's
 * completion carries the transfer of its invoke; a transfer's xid is invoked once in the whole
 * history; a read's invoke is empty and only an ok read carries balances. A process whose last
 * operation never completed is treated by the checker as an info (unknown); like Jepsen, a
 * harness should give a process that got an info a fresh id, although reuse is allowed.
 */
public final class History {
  /** Most events a history holds: a bounded run stays far below; this stops a runaway. */
  public static final int EVENTS_MAX = 10_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(History.class);

  private final LongSupplier nanoClock;
  private final long originNs;
  private final List<Event> events = new ArrayList<>();
  private final Map<Integer, Event> running = new HashMap<>();
  private final Set<String> xids = new HashSet<>();

  private History(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.originNs = nanoClock == null ? 0 : nanoClock.getAsLong();
  }

  /**
   * An empty history to record into; times are {@code nanoClock} readings minus the first one.
   *
   * @param nanoClock a monotonic clock, {@code System::nanoTime} in a real run
   */
  public static History recorder(LongSupplier nanoClock) {
    return new History(Objects.requireNonNull(nanoClock, "nanoClock"));
  }

  /**
   * A finished history of these events (for example, read back from a file). It cannot be
   * appended to.
   *
   * @throws IllegalArgumentException when an event breaks a rule of the class comment
   */
  public static History of(List<Event> events) {
    History history = new History(null);
    for (Event event : events) {
      try {
        history.accept(event);
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    return history;
  }

  /** Records that {@code process} is about to run {@code op}. */
  public Event invoke(int process, Op op) {
    return append(EventType.INVOKE, process, op, "");
  }

  /** Records that {@code process}'s operation happened; a read passes what it saw. */
  public Event ok(int process, Op op) {
    return append(EventType.OK, process, op, "");
  }

  /** Records that {@code process}'s operation certainly did not happen, and why. */
  public Event fail(int process, Op op, String error) {
    return append(EventType.FAIL, process, op, error);
  }

  /** Records that the outcome of {@code process}'s operation is unknown, and why. */
  public Event info(int process, Op op, String error) {
    return append(EventType.INFO, process, op, error);
  }

  /** Every event so far, in order: a copy, safe to read while recording goes on. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** How many events there are. */
  public synchronized int size() {
    return events.size();
  }

  /** The invokes not completed yet, by process: operations a harness may close with info. */
  public synchronized Map<Integer, Event> running() {
    return Map.copyOf(running);
  }

  /** Writes the events as JSON lines, one event a line, replacing the file. */
  public void writeJsonLines(Path file) throws IOException {
    List<Event> snapshot = events();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(snapshot, out);
    }
    LOG.info("wrote {} events to {}", snapshot.size(), file);
  }

  /** Writes the events as JSON lines. */
  public void writeJsonLines(Writer out) throws IOException {
    write(events(), out);
  }

  /**
   * Reads a history written by {@link #writeJsonLines(Path)}.
   *
   * @throws IllegalArgumentException for the first malformed line, naming the file and line
   */
  public static History readJsonLines(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return readJsonLines(in, file.toString());
    }
  }

  /**
   * Reads a history from JSON lines; {@code source} names it in error messages.
   *
   * @throws IllegalArgumentException for the first malformed line, naming the source and line
   */
  public static History readJsonLines(BufferedReader in, String source) throws IOException {
    History history = new History(null);
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      try {
        history.accept(HistoryJson.decode(line));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException(source + " line " + number + ": " + e.getMessage(),
            e);
      }
    }
    return history;
  }

  private static void write(List<Event> events, Writer out) throws IOException {
    for (Event event : events) {
      out.write(HistoryJson.encode(event));
      out.write('\n');
    }
  }

  private synchronized Event append(EventType type, int process, Op op, String error) {
    if (nanoClock == null) {
      throw new IllegalStateException("a finished history cannot be appended to");
    }
    Event event = new Event(events.size(), type, process, nanoClock.getAsLong() - originNs, op,
        error);
    accept(event);
    return event;
  }

  /** Checks the event against the rules of the class comment, then keeps it. */
  private synchronized void accept(Event event) {
    if (event.index() != events.size()) {
      throw new IllegalStateException("event index " + event.index() + " where "
          + events.size() + " was due");
    }
    if (events.size() >= EVENTS_MAX) {
      throw new IllegalStateException("a history holds at most " + EVENTS_MAX + " events");
    }
    long lastNs = events.isEmpty() ? 0 : events.get(events.size() - 1).timeNs();
    if (event.timeNs() < lastNs) {
      throw new IllegalStateException("event " + event.index() + " at " + event.timeNs()
          + " ns is before the previous event at " + lastNs + " ns");
    }
    if (event.type() == EventType.INVOKE) {
      acceptInvoke(event);
    } else {
      acceptCompletion(event);
    }
    events.add(event);
  }

  private void acceptInvoke(Event event) {
    Event open = running.get(event.process());
    if (open != null) {
      throw new IllegalStateException("process " + event.process() + " invokes again while "
          + "its event " + open.index() + " has not completed");
    }
    if (event.op().kind() == OpKind.TRANSFER && !xids.add(event.transfer().xid())) {
      throw new IllegalStateException("xid " + event.transfer().xid() + " invoked twice");
    }
    if (event.op().kind() == OpKind.READ && !event.read().isEmpty()) {
      throw new IllegalStateException("a read's invoke carries nothing seen yet");
    }
    running.put(event.process(), event);
  }

  private void acceptCompletion(Event event) {
    Event invoke = running.remove(event.process());
    if (invoke == null) {
      throw new IllegalStateException("process " + event.process() + " completes an operation "
          + "it never invoked (" + event.type() + ")");
    }
    if (invoke.op().kind() != event.op().kind()) {
      running.put(event.process(), invoke);
      throw new IllegalStateException("process " + event.process() + " invoked a "
          + invoke.op().kind() + " but completes a " + event.op().kind());
    }
    if (event.op().kind() == OpKind.TRANSFER && !invoke.op().equals(event.op())) {
      running.put(event.process(), invoke);
      throw new IllegalStateException("process " + event.process() + " completes transfer "
          + event.op() + " but invoked " + invoke.op());
    }
    if (event.op().kind() == OpKind.READ && event.type() != EventType.OK
        && !event.read().isEmpty()) {
      running.put(event.process(), invoke);
      throw new IllegalStateException("only an ok read carries balances, not " + event.type());
    }
  }
}
