package dev.sequent.examples.bank;

/**
 * Told about each phase-2 call an account service applies, for measuring (the demo times each
 * transfer up to its last confirm). Called on the participant's phase-2 thread as the call is
 * applied, just before its local transaction commits; must be quick and must not throw.
 */
@FunctionalInterface
public interface Phase2Listener {
  Phase2Listener NONE = (participant, call) -> { };

  void applied(String participant, AppliedCall call);
}
