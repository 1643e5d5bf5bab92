package dev.sequent.coordinator.raft;

/**
 * What a node does when its state can no longer be trusted: a storage write failed, an entry could
 * not be decoded, an invariant broke. Ratis closes a division whose apply throws but leaves the
 * process running (a zombie that still answers its ports), so the node must be stopped for real.
 * The server launcher halts the process non-zero; an embedded cluster in a test closes that node.
 */
@FunctionalInterface
public interface FatalErrorHandler {
  void onFatal(String what, Throwable cause);
}
