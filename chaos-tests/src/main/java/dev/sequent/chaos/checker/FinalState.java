package dev.sequent.chaos.checker;

import dev.sequent.chaos.history.AccountRef;
import dev.sequent.chaos.history.Balance;
import dev.sequent.client.TxnSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the harness collects once faults are healed and recovery is over, from three
 * independent sources the checker compares: the cluster (each txn's state and each branch's
 * participant and seq), each participant's database (the phase-2 calls it applied, its fence
 * watermark, its accounts), and the workload's set-up (the opening balances).
 *
 * @param openingBalances every account and the money it was opened with; their sum is the total
 * @param cluster per xid, the cluster's answer to a status query; an xid the cluster does not
 *     know (its begin never arrived) is absent
 * @param participants per participant id, its applied phase-2 log
 * @param balances per account, the money it holds at the end
 */
public record FinalState(Map<AccountRef, Long> openingBalances, Map<String, TxnSnapshot> cluster,
    Map<String, ParticipantLog> participants, Map<AccountRef, Balance> balances) {

  public FinalState {
    openingBalances = sorted(openingBalances, "openingBalances");
    cluster = sorted(cluster, "cluster");
    participants = sorted(participants, "participants");
    balances = sorted(balances, "balances");
    cluster.forEach((xid, txn) -> {
      if (!xid.equals(txn.xid())) {
        throw new IllegalArgumentException("cluster entry " + xid + " holds txn " + txn.xid());
      }
    });
    participants.forEach((id, log) -> {
      if (!id.equals(log.participant())) {
        throw new IllegalArgumentException("participant entry " + id + " holds the log of "
            + log.participant());
      }
    });
    openingBalances.forEach((account, money) -> {
      if (money < 0) {
        throw new IllegalArgumentException(account + " opened with " + money);
      }
    });
  }

  /** The money in the system: the sum of the opening balances. */
  public long initialTotal() {
    long total = 0;
    for (long money : openingBalances.values()) {
      total = Math.addExact(total, money);
    }
    return total;
  }

  /** The state as one JSON document, for {@code target/chaos/final-state.json}. */
  public String toJson() {
    return FinalStateJson.encode(this);
  }

  /**
   * Reads a state written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException when the text is not such a document
   */
  public static FinalState fromJson(String json) {
    return FinalStateJson.decode(json);
  }

  /** Writes {@link #toJson()} to the file, replacing it. */
  public void write(Path file) throws IOException {
    JsonFiles.write(file, toJson());
  }

  /** Reads a file written by {@link #write}. */
  public static FinalState read(Path file) throws IOException {
    return fromJson(JsonFiles.read(file));
  }

  private static <K extends Comparable<K>, V> Map<K, V> sorted(Map<K, V> map, String name) {
    Objects.requireNonNull(map, name);
    // Sorted copies: reports and files list things in a stable order.
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }
}
