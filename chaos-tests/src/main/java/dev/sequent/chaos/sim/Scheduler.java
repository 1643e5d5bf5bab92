package dev.sequent.chaos.sim;

import java.util.PriorityQueue;

/**
 * Virtual time and the event queue: the only clock of a simulation. Events run in time order,
 * and events of the same time in the order they were scheduled, so a run depends on its seed
 * alone. Each event run is one step.
 */
final class Scheduler {

  private record Event(long atMs, long order, String what, Runnable action)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
      int byTime = Long.compare(atMs, other.atMs);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long nowMs;
  private long order;
  private long steps;
  private String current = "start";

  long nowMs() {
    return nowMs;
  }

  long steps() {
    return steps;
  }

  /** What the step being run (or last run) is, for failure reports. */
  String current() {
    return current;
  }

  /** Runs action delayMs from now (0: later in this same millisecond). */
  void after(long delayMs, String what, Runnable action) {
    if (delayMs < 0) {
      throw new IllegalArgumentException("negative delay " + delayMs + " for " + what);
    }
    queue.add(new Event(nowMs + delayMs, order++, what, action));
  }

  /** Runs the next event; false when none is left. */
  boolean step() {
    Event event = queue.poll();
    if (event == null) {
      return false;
    }
    nowMs = event.atMs();
    steps++;
    current = event.what();
    event.action().run();
    return true;
  }
}
