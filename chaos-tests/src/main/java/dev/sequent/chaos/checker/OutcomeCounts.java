package dev.sequent.chaos.checker;

/**
 * How one kind of operation completed: ok, fail, and info (unknown, including operations the
 * history never completed).
 */
public record OutcomeCounts(long ok, long fail, long info) {
  static final OutcomeCounts NONE = new OutcomeCounts(0, 0, 0);

  /** Every operation counted. */
  public long total() {
    return ok + fail + info;
  }

  OutcomeCounts plusOk() {
    return new OutcomeCounts(ok + 1, fail, info);
  }

  OutcomeCounts plusFail() {
    return new OutcomeCounts(ok, fail + 1, info);
  }

  OutcomeCounts plusInfo() {
    return new OutcomeCounts(ok, fail, info + 1);
  }

  @Override
  public String toString() {
    return ok + " ok / " + fail + " fail / " + info + " info";
  }
}
