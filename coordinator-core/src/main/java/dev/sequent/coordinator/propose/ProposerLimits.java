package dev.sequent.coordinator.propose;

/**
 * Bounds of the proposer, validated here.
 *
 * @param commandsPerEntryMax commands batched into one Raft entry at most
 * @param entryBytesMax bytes of one entry at most (approximate, an upper bound per command)
 * @param queueMax commands waiting at most; beyond it new ones are answered OVERLOADED
 * @param entriesInflightMax entries proposed and not yet answered at most
 * @param applyTimeoutMs how long one entry may take to be applied before its commands are answered
 *     TIMEOUT (the entry may still apply later: the client's retry is idempotent)
 */
public record ProposerLimits(int commandsPerEntryMax, int entryBytesMax, int queueMax,
    int entriesInflightMax, long applyTimeoutMs) {
  public ProposerLimits {
    require("commandsPerEntryMax", commandsPerEntryMax, 1, 100_000);
    require("entryBytesMax", entryBytesMax, 1024, 64 << 20);
    require("queueMax", queueMax, 1, 10_000_000);
    require("entriesInflightMax", entriesInflightMax, 1, 10_000);
    require("applyTimeoutMs", applyTimeoutMs, 1, 3_600_000);
  }

  private static void require(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
    }
  }
}
