package dev.sequent.coordinator.propose;

import dev.sequent.coordinator.raft.RaftRequestException;
import dev.sequent.protocol.Outcome;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps why a Raft request (an entry, a read) did not complete to the transient outcome its commands
 * are answered with.
 */
public record Failure(Outcome outcome, String message) {

  public static Failure classify(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RaftRequestException raft) {
      if (raft.isNotLeader()) {
        return new Failure(Outcome.NOT_LEADER, "this node is not the leader");
      }
      if (raft.isLeaderNotReady()) {
        return new Failure(Outcome.UNAVAILABLE, "the leader is not ready yet");
      }
    }
    if (cause instanceof TimeoutException) {
      return new Failure(Outcome.TIMEOUT, "the entry was not applied in time (it may still be)");
    }
    return new Failure(Outcome.UNAVAILABLE, "raft refused the entry: " + cause);
  }
}
