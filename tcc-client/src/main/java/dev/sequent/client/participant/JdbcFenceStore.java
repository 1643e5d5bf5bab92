package dev.sequent.client.participant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fence in the participant's own SQL database, in the same local transaction as its business
 * change: the resource works through {@link BranchContext#connection()}, and its change, the
 * branch's fence row and (in phase two) the participant's watermark commit or roll back together.
 * A crash at any point therefore leaves either all of a call or none of it.
 *
 * <p>Durability is the database's: the endpoint acknowledges a call once its commit returns, and
 * the cluster never sends that call again. A database that may still lose a returned commit on a
 * crash (H2's default {@code WRITE_DELAY} of 500 ms; MySQL with {@code
 * innodb_flush_log_at_trx_commit=0}) turns a crash into a watermark behind the cluster's, and the
 * participant's stream then stops at a seq gap until an operator steps in. Configure commits to
 * be durable (H2: {@code WRITE_DELAY=0}).
 *
 * <p>Atomicity across a crash is the database's too, and H2 (2.3.232, 2.4.240) does not always
 * keep it: when a transaction that locked a row rolls back while other transactions commit
 * updates of that row, a kill -9 can leave that row older than the transactions that committed
 * with it after recovery (measured with plain JDBC: committed increments lost from the 9th of 30
 * kills; never with the same transactions run one at a time). A try that refuses after locking
 * (too little money) and the fence's rollback to its savepoint are exactly that pattern. On H2,
 * give the fence a DataSource with one connection; on a server database this does not apply.
 *
 * <p>Schema, created when missing (standard SQL; tested on H2):
 *
 * <pre>
 * CREATE TABLE sequent_fence (
 *   participant VARCHAR(255)  NOT NULL,
 *   xid         VARCHAR(1024) NOT NULL,
 *   branch_id   VARCHAR(255)  NOT NULL,
 *   state       VARCHAR(32)   NOT NULL,  -- a FenceState name
 *   seq         BIGINT        NOT NULL,  -- the phase-2 seq that set the state; 0 for a try
 *   PRIMARY KEY (participant, xid, branch_id))
 * CREATE TABLE sequent_fence_participant (
 *   participant  VARCHAR(255) NOT NULL PRIMARY KEY,
 *   applied_seq  BIGINT       NOT NULL,
 *   highest_term BIGINT       NOT NULL)
 * </pre>
 *
 * <p>Locking: a phase-2 transaction first locks its participant's row ({@code SELECT ... FOR
 * UPDATE}, inserting it when missing), so two writers of one participant's stream (a second
 * endpoint on the same database, an old one still draining) cannot interleave. Every transaction
 * locks its branch row ({@code FOR UPDATE}) when it exists; when it does not, inserting it is the
 * lock: a try inserts its row before running {@code onTry}, so a concurrent empty cancel of the
 * same branch waits, fails on the duplicate key, and is re-run to find the try's row. Tries do not
 * take the participant row, so tries of different branches run concurrently. Every lock wait is
 * bounded by {@code lockTimeoutSeconds} (a statement query timeout).
 *
 * <p>Connections come from the DataSource, one per transaction, and are returned with auto-commit
 * restored. Thread-safe.
 */
public final class JdbcFenceStore implements FenceStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcFenceStore.class);

  /** The table of fence rows. */
  public static final String FENCE_TABLE = "sequent_fence";
  /** The table of per-participant watermarks. */
  public static final String PARTICIPANT_TABLE = "sequent_fence_participant";
  /** Runs of one transaction's work when concurrent inserts of its branch row conflict. */
  static final int CONFLICT_ATTEMPTS_MAX = 3;
  static final int LOCK_TIMEOUT_SECONDS_DEFAULT = 10;
  static final int LOCK_TIMEOUT_SECONDS_MAX = 3_600;

  private static final String CREATE_FENCE = "CREATE TABLE IF NOT EXISTS " + FENCE_TABLE + " ("
      + "participant VARCHAR(255) NOT NULL, xid VARCHAR(1024) NOT NULL, "
      + "branch_id VARCHAR(255) NOT NULL, state VARCHAR(32) NOT NULL, seq BIGINT NOT NULL, "
      + "PRIMARY KEY (participant, xid, branch_id))";
  private static final String CREATE_PARTICIPANT = "CREATE TABLE IF NOT EXISTS "
      + PARTICIPANT_TABLE + " (participant VARCHAR(255) NOT NULL PRIMARY KEY, "
      + "applied_seq BIGINT NOT NULL, highest_term BIGINT NOT NULL)";
  static final String SELECT_BRANCH = "SELECT state, seq FROM " + FENCE_TABLE
      + " WHERE participant = ? AND xid = ? AND branch_id = ?";
  static final String INSERT_BRANCH = "INSERT INTO " + FENCE_TABLE
      + " (participant, xid, branch_id, state, seq) VALUES (?, ?, ?, ?, ?)";
  static final String UPDATE_BRANCH = "UPDATE " + FENCE_TABLE
      + " SET state = ?, seq = ? WHERE participant = ? AND xid = ? AND branch_id = ?";
  static final String SELECT_WATERMARK = "SELECT applied_seq, highest_term FROM "
      + PARTICIPANT_TABLE + " WHERE participant = ?";
  static final String INSERT_WATERMARK = "INSERT INTO " + PARTICIPANT_TABLE
      + " (participant, applied_seq, highest_term) VALUES (?, 0, 0)";
  static final String UPDATE_WATERMARK = "UPDATE " + PARTICIPANT_TABLE
      + " SET applied_seq = ?, highest_term = ? WHERE participant = ?";

  private final DataSource dataSource;
  private final int lockTimeoutSeconds;
  private final FenceBackend backend = new FenceBackend() {
    @Override
    public Watermark watermark(String participant) {
      return JdbcFenceStore.this.watermark(participant);
    }

    @Override
    public <T> T inTransaction(String participant, String xid, String branchId,
        boolean phaseTwo, FenceWork<T> work) throws Exception {
      return JdbcFenceStore.this.inTransaction(participant, xid, branchId, phaseTwo, work);
    }
  };

  private JdbcFenceStore(DataSource dataSource, int lockTimeoutSeconds) {
    this.dataSource = dataSource;
    this.lockTimeoutSeconds = lockTimeoutSeconds;
  }

  /** A store on {@code dataSource}, lock waits bounded at 10 s; creates the tables if missing. */
  public static JdbcFenceStore create(DataSource dataSource) throws SQLException {
    return create(dataSource, LOCK_TIMEOUT_SECONDS_DEFAULT);
  }

  /**
   * A store on {@code dataSource} whose lock waits end after {@code lockTimeoutSeconds}; creates
   * the tables if missing.
   *
   * @throws IllegalArgumentException when the timeout is outside [1, 3600]
   * @throws SQLException when the tables cannot be created
   */
  public static JdbcFenceStore create(DataSource dataSource, int lockTimeoutSeconds)
      throws SQLException {
    Objects.requireNonNull(dataSource, "dataSource");
    if (lockTimeoutSeconds < 1 || lockTimeoutSeconds > LOCK_TIMEOUT_SECONDS_MAX) {
      throw new IllegalArgumentException("lockTimeoutSeconds must be in [1, "
          + LOCK_TIMEOUT_SECONDS_MAX + "], was " + lockTimeoutSeconds);
    }
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(CREATE_FENCE);
      statement.execute(CREATE_PARTICIPANT);
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    }
    return new JdbcFenceStore(dataSource, lockTimeoutSeconds);
  }

  @Override
  public Watermark watermark(String participant) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_WATERMARK)) {
      select.setString(1, participant);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? new Watermark(row.getLong(1), row.getLong(2)) : Watermark.NONE;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the watermark of " + participant, e);
    }
  }

  @Override
  public Optional<BranchFence> branch(String participant, String xid, String branchId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_BRANCH)) {
      bindBranch(select, participant, xid, branchId, 1);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(new BranchFence(xid, branchId, parseState(row.getString(1)),
                row.getLong(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the fence of " + participant + " xid=" + xid
          + " branch=" + branchId, e);
    }
  }

  /** The transaction machinery, kept off this class's public face. */
  FenceBackend backend() {
    return backend;
  }

  private <T> T inTransaction(String participant, String xid, String branchId, boolean phaseTwo,
      FenceBackend.FenceWork<T> work) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(participant, xid, branchId, phaseTwo, work);
      } catch (FenceConflictException e) {
        if (attempt >= CONFLICT_ATTEMPTS_MAX) {
          throw e;
        }
        log.debug("{} xid={} branch={}: {}; running the transaction again", participant, xid,
            branchId, e.getMessage());
      }
    }
  }

  private <T> T once(String participant, String xid, String branchId, boolean phaseTwo,
      FenceBackend.FenceWork<T> work) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      JdbcTransaction tx = new JdbcTransaction(connection, participant, xid, branchId, phaseTwo);
      try {
        if (phaseTwo) {
          tx.lockWatermark();
        }
        tx.lockBranch();
        T result = work.run(tx);
        connection.commit();
        return result;
      } catch (Exception | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      } finally {
        tx.end();
        restoreAutoCommit(connection, autoCommit);
      }
    }
  }

  /** Nothing to release: connections are returned after each transaction. */
  @Override
  public void close() {}

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
    try {
      connection.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      log.debug("cannot restore auto-commit on a fence connection", e);
    }
  }

  static void bindBranch(PreparedStatement statement, String participant, String xid,
      String branchId, int first) throws SQLException {
    statement.setString(first, participant);
    statement.setString(first + 1, xid);
    statement.setString(first + 2, branchId);
  }

  static FenceState parseState(String name) {
    try {
      return FenceState.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("unknown fence state in " + FENCE_TABLE + ": " + name, e);
    }
  }

  /** SQLSTATE class 23: integrity constraint violation (here: a duplicate primary key). */
  static boolean isDuplicateKey(SQLException e) {
    for (SQLException current = e; current != null; current = current.getNextException()) {
      String state = current.getSQLState();
      if (state != null && state.startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  /** One local transaction on one branch. */
  private final class JdbcTransaction implements FenceTransaction {
    private final Connection connection;
    private final GuardedConnection guarded;
    private final String participant;
    private final String xid;
    private final String branchId;
    private final boolean phaseTwo;
    private Watermark watermark;
    private BranchFence branch;
    private boolean rowExists;
    private Savepoint business;

    JdbcTransaction(Connection connection, String participant, String xid, String branchId,
        boolean phaseTwo) {
      this.connection = connection;
      this.guarded = new GuardedConnection(connection);
      this.participant = participant;
      this.xid = xid;
      this.branchId = branchId;
      this.phaseTwo = phaseTwo;
    }

    /** Locks the participant's row, creating it when missing (the insert locks it then). */
    void lockWatermark() throws SQLException {
      try (PreparedStatement select = prepare(SELECT_WATERMARK + " FOR UPDATE")) {
        select.setString(1, participant);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            watermark = new Watermark(row.getLong(1), row.getLong(2));
            return;
          }
        }
      }
      try (PreparedStatement insert = prepare(INSERT_WATERMARK)) {
        insert.setString(1, participant);
        insert.executeUpdate();
      } catch (SQLException e) {
        if (isDuplicateKey(e)) {
          throw new FenceConflictException("the participant row of " + participant
              + " was created concurrently", e);
        }
        throw e;
      }
      watermark = Watermark.NONE;
    }

    void lockBranch() throws SQLException {
      try (PreparedStatement select = prepare(SELECT_BRANCH + " FOR UPDATE")) {
        bindBranch(select, participant, xid, branchId, 1);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            branch = new BranchFence(xid, branchId, parseState(row.getString(1)), row.getLong(2));
            rowExists = true;
          }
        }
      }
    }

    @Override
    public Watermark watermark() {
      requirePhaseTwo();
      return watermark;
    }

    @Override
    public BranchFence branch() {
      return branch;
    }

    @Override
    public void put(BranchFence fence) throws SQLException {
      if (!fence.xid().equals(xid) || !fence.branchId().equals(branchId)) {
        throw new IllegalArgumentException("this transaction is on xid=" + xid + " branch="
            + branchId + ", not " + fence);
      }
      if (rowExists) {
        try (PreparedStatement update = prepare(UPDATE_BRANCH)) {
          update.setString(1, fence.state().name());
          update.setLong(2, fence.seq());
          bindBranch(update, participant, xid, branchId, 3);
          update.executeUpdate();
        }
      } else {
        insert(fence);
        rowExists = true;
      }
      branch = fence;
    }

    private void insert(BranchFence fence) throws SQLException {
      try (PreparedStatement insert = prepare(INSERT_BRANCH)) {
        bindBranch(insert, participant, xid, branchId, 1);
        insert.setString(4, fence.state().name());
        insert.setLong(5, fence.seq());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (isDuplicateKey(e)) {
          throw new FenceConflictException("the fence row of xid=" + xid + " branch=" + branchId
              + " was created concurrently", e);
        }
        throw e;
      }
    }

    @Override
    public void put(Watermark next) throws SQLException {
      requirePhaseTwo();
      try (PreparedStatement update = prepare(UPDATE_WATERMARK)) {
        update.setLong(1, next.appliedSeq());
        update.setLong(2, next.highestTerm());
        update.setString(3, participant);
        if (update.executeUpdate() != 1) {
          throw new IllegalStateException("the participant row of " + participant
              + " vanished inside its own locked transaction");
        }
      }
      watermark = next;
    }

    @Override
    public void beginBusiness() throws SQLException {
      business = connection.setSavepoint();
    }

    @Override
    public void discardBusiness() throws SQLException {
      if (business == null) {
        throw new IllegalStateException("discardBusiness without beginBusiness");
      }
      connection.rollback(business);
    }

    @Override
    public Connection connection() {
      return guarded.proxy();
    }

    void end() {
      guarded.end();
    }

    private PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement statement = connection.prepareStatement(sql);
      statement.setQueryTimeout(lockTimeoutSeconds);
      return statement;
    }

    private void requirePhaseTwo() {
      if (!phaseTwo) {
        throw new IllegalStateException("the watermark belongs to phase-two transactions only");
      }
    }
  }
}
