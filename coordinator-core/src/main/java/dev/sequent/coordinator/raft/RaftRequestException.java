package dev.sequent.coordinator.raft;

import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;

/** A Raft request the local server refused or could not complete; says which kind it was. */
public final class RaftRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RaftRequestException(RaftException cause) {
    super(cause == null ? "raft request failed" : cause.getMessage(), cause);
  }

  /** This node is not (or no longer) the leader. */
  public boolean isNotLeader() {
    return getCause() instanceof NotLeaderException;
  }

  /** This node leads but has not applied its term's first entry yet. */
  public boolean isLeaderNotReady() {
    return getCause() instanceof LeaderNotReadyException;
  }
}
