package dev.sequent.chaos.history;

/** An operation's value: what a transfer moves, or what a read saw. */
public sealed interface Op permits Transfer, Read {

  /** Which operation this is; callers dispatch on it. */
  OpKind kind();
}
