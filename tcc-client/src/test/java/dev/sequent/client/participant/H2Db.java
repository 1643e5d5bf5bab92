package dev.sequent.client.participant;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A real H2 database for a test, with a business table {@code ledger} that resources write
 * through the fence's connection: one row per effect, in commit order.
 */
final class H2Db implements AutoCloseable {
  /** Lock waits in tests end quickly, so a bug shows as a failure, not a hang. */
  private static final String SETTINGS = ";LOCK_TIMEOUT=5000;DB_CLOSE_DELAY=-1";

  final JdbcDataSource dataSource = new JdbcDataSource();

  private H2Db(String url) throws SQLException {
    dataSource.setURL(url + SETTINGS);
    update("CREATE TABLE IF NOT EXISTS ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
        + " participant VARCHAR(255), xid VARCHAR(1024), branch_id VARCHAR(255),"
        + " step VARCHAR(16), seq BIGINT, try_failed BOOLEAN)");
  }

  /** A fresh in-memory database. */
  static H2Db memory() throws SQLException {
    return new H2Db("jdbc:h2:mem:fence-" + UUID.randomUUID());
  }

  /**
   * A database in files under dir, which survives close and reopen. Commits are written at once
   * (H2 otherwise delays them, losing the last second of commits in a crash by design), so a
   * simulated crash tests the fence's atomicity, not H2's write delay.
   */
  static H2Db file(Path dir) throws SQLException {
    return new H2Db("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0");
  }

  int update(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      return statement.executeUpdate(sql);
    }
  }

  long count(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  /** The ledger as "STEP xid/branch seq" lines, in commit order. */
  List<String> ledger() throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT step, xid, branch_id, seq FROM ledger ORDER BY id")) {
      while (row.next()) {
        lines.add(row.getString(1) + " " + row.getString(2) + "/" + row.getString(3) + " "
            + row.getLong(4));
      }
    }
    return lines;
  }

  /** The seqs of the phase-2 effects in the ledger, in commit order. */
  List<Long> phase2Seqs() throws SQLException {
    List<Long> seqs = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT seq FROM ledger WHERE step <> 'TRY' ORDER BY id")) {
      while (row.next()) {
        seqs.add(row.getLong(1));
      }
    }
    return seqs;
  }

  /** Shuts the database down (an in-memory one is gone after this). */
  @Override
  public void close() throws SQLException {
    update("SHUTDOWN");
  }
}
