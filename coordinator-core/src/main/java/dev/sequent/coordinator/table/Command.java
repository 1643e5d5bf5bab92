package dev.sequent.coordinator.table;

import java.util.List;
import java.util.Objects;

/**
 * One TCC command inside a Raft entry: the only way coordinator state changes (DESIGN.md rule 1).
 *
 * <p>The records check structure only (no nulls); the table checks meaning (ids, limits, state) and
 * answers a bad command with an {@link dev.sequent.protocol.Outcome}, never an exception. Dispatch
 * is on {@link #kind()} because pattern switch is a preview feature in Java 17.
 */
public sealed interface Command {

  /** Which command this is; also its stable tag in the log format. */
  Kind kind();

  /** The kinds of command, with the stable tag each has in a log entry. */
  enum Kind {
    BEGIN(1),
    REGISTER_BRANCH(2),
    DECIDE(3),
    RECORD_ACKS(4),
    EXPIRE_DUE(5),
    MARK_NEEDS_OPERATOR(6),
    OPERATOR_RESOLVE(7),
    ANNOUNCE_ENDPOINT(8);

    private final int tag;

    Kind(int tag) {
      this.tag = tag;
    }

    /** The stable tag in log entries. */
    public int tag() {
      return tag;
    }

    /**
     * The kind with this tag.
     *
     * @throws IllegalArgumentException for a tag no kind has
     */
    public static Kind fromTag(int tag) {
      for (Kind kind : values()) {
        if (kind.tag == tag) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown command tag " + tag);
    }
  }

  /** Starts txn xid with the branches the initiator already knows; idempotent by xid. */
  record Begin(String xid, long timeoutMs, List<Branch> branches) implements Command {
    public Begin {
      Objects.requireNonNull(xid, "xid");
      branches = List.copyOf(branches);
    }

    @Override
    public Kind kind() {
      return Kind.BEGIN;
    }
  }

  /** Adds a branch to a TRYING txn; idempotent by branch id. */
  record RegisterBranch(String xid, Branch branch) implements Command {
    public RegisterBranch {
      Objects.requireNonNull(xid, "xid");
      Objects.requireNonNull(branch, "branch");
    }

    @Override
    public Kind kind() {
      return Kind.REGISTER_BRANCH;
    }
  }

  /** Applies the initiator's decision; the same decision again is idempotent, the other refused. */
  record Decide(String xid, Decision decision) implements Command {
    public Decide {
      Objects.requireNonNull(xid, "xid");
      Objects.requireNonNull(decision, "decision");
    }

    @Override
    public Kind kind() {
      return Kind.DECIDE;
    }
  }

  /** Advances participants' watermarks with their cumulative acks (batched by the leader). */
  record RecordAcks(List<Ack> acks) implements Command {
    public RecordAcks {
      acks = List.copyOf(acks);
    }

    @Override
    public Kind kind() {
      return Kind.RECORD_ACKS;
    }
  }

  /** Cancels at most maxTxns TRYING txns whose deadline is at or before cluster time. */
  record ExpireDue(int maxTxns) implements Command {
    @Override
    public Kind kind() {
      return Kind.EXPIRE_DUE;
    }
  }

  /** Marks the pending phase-2 call (participant, seq) as given up by the dispatcher. */
  record MarkNeedsOperator(String participant, long seq) implements Command {
    public MarkNeedsOperator {
      Objects.requireNonNull(participant, "participant");
    }

    @Override
    public Kind kind() {
      return Kind.MARK_NEEDS_OPERATOR;
    }
  }

  /** Records that an operator resolved the phase-2 call (participant, seq) by hand. */
  record OperatorResolve(String participant, long seq) implements Command {
    public OperatorResolve {
      Objects.requireNonNull(participant, "participant");
    }

    @Override
    public Kind kind() {
      return Kind.OPERATOR_RESOLVE;
    }
  }

  /**
   * Records where a participant's phase-2 calls go: the latest announcement wins, and announcing
   * the same endpoint again changes nothing. The host is a name or an address literal, printable
   * ASCII of at most {@link Endpoint#HOST_BYTES_MAX} bytes; the port is in [1, 65535].
   */
  record AnnounceEndpoint(String participant, String host, int port) implements Command {
    public AnnounceEndpoint {
      Objects.requireNonNull(participant, "participant");
      Objects.requireNonNull(host, "host");
    }

    @Override
    public Kind kind() {
      return Kind.ANNOUNCE_ENDPOINT;
    }
  }
}
