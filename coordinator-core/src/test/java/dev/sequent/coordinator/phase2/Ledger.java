package dev.sequent.coordinator.phase2;

import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.JdbcFenceStore;
import dev.sequent.client.participant.TccResource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A participant's business database (real H2) and its resource: every try, confirm and cancel
 * writes one ledger row through the fence's own transaction, so the ledger is exactly what the
 * participant applied, in the order it applied it. A try whose payload is "fail" is refused; a
 * confirm whose payload is "poison" always fails.
 */
final class Ledger implements TccResource {
  /** One applied phase-2 call, in the order the participant applied it. */
  record Applied(String xid, String branchId, String step, long seq, boolean tryFailed) {}

  final String participant;
  final JdbcDataSource dataSource = new JdbcDataSource();
  final JdbcFenceStore fence;

  Ledger(String participant) throws SQLException {
    this.participant = participant;
    dataSource.setURL("jdbc:h2:mem:" + participant + "-" + UUID.randomUUID()
        + ";LOCK_TIMEOUT=5000;DB_CLOSE_DELAY=-1");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
          + " xid VARCHAR(1024), branch_id VARCHAR(255), step VARCHAR(16), seq BIGINT,"
          + " try_failed BOOLEAN)");
    }
    this.fence = JdbcFenceStore.create(dataSource);
  }

  @Override
  public void onTry(BranchContext branch) throws Exception {
    if (new String(branch.payload(), StandardCharsets.UTF_8).equals("fail")) {
      throw new IllegalStateException("insufficient funds");
    }
    write(branch, "TRY");
  }

  @Override
  public void onConfirm(BranchContext branch) throws Exception {
    if (new String(branch.payload(), StandardCharsets.UTF_8).equals("poison")) {
      throw new IllegalStateException("this confirm always fails: it needs an operator");
    }
    write(branch, "CONFIRM");
  }

  @Override
  public void onCancel(BranchContext branch) throws Exception {
    write(branch, "CANCEL");
  }

  private void write(BranchContext branch, String step) throws SQLException {
    Connection c = branch.connection().orElseThrow();
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO ledger (xid, branch_id, step, seq, try_failed) VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, branch.xid());
      insert.setString(2, branch.branchId());
      insert.setString(3, step);
      insert.setLong(4, branch.seq());
      insert.setBoolean(5, branch.tryFailed());
      insert.executeUpdate();
    }
  }

  /** The fence's rows of a participant by the seq they were applied at: (xid/branch, state). */
  java.util.Map<Long, String[]> fenceBySeq(String participantId) throws SQLException {
    java.util.Map<Long, String[]> rows = new java.util.TreeMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT xid, branch_id, state, seq FROM " + JdbcFenceStore.FENCE_TABLE
            + " WHERE participant = ? AND seq > 0")) {
      s.setString(1, participantId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.put(r.getLong(4), new String[] {r.getString(1) + "/" + r.getString(2),
              r.getString(3)});
        }
      }
    }
    return rows;
  }

  /** The phase-2 calls applied, in the order they were applied. */
  List<Applied> phaseTwo() throws SQLException {
    List<Applied> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT xid, branch_id, step, seq, try_failed FROM ledger"
            + " WHERE step <> 'TRY' ORDER BY id")) {
      while (r.next()) {
        rows.add(new Applied(r.getString(1), r.getString(2), r.getString(3), r.getLong(4),
            r.getBoolean(5)));
      }
    }
    return rows;
  }
}
