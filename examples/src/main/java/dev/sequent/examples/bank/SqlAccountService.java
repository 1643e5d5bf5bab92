package dev.sequent.examples.bank;

import dev.sequent.client.TccClient;
import dev.sequent.client.participant.FenceStore;
import dev.sequent.client.participant.JdbcFenceStore;
import dev.sequent.client.participant.ParticipantEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * An account service whose accounts live in its own SQL database (H2, in files under its data
 * directory), fenced by a {@link JdbcFenceStore} in the same database: the money moved by a step,
 * the branch's fence row and the participant's applied seq commit in one local transaction, so a
 * crash at any point leaves all of a step or none of it.
 *
 * <p>Wiring a participant takes a few lines in {@link #start}: a fence on the service's
 * DataSource, an endpoint hosting the resource with that fence, and a client of the cluster with
 * which the endpoint announces itself.
 */
public final class SqlAccountService implements AccountService {
  /**
   * One connection: the bank's transactions run one at a time. H2 (2.3.232 and 2.4.240) loses
   * committed updates across a kill -9 when a transaction that locked a row rolled back while
   * other transactions committed updates of that row: after recovery the row holds an older
   * value than the transactions that committed with it say (money and journal disagree). A try
   * that finds too little money does exactly that (it locks the account, throws, and the fence
   * rolls back to its savepoint). The chaos suite lost 11 and 40 units that way. This bank under
   * load, killed every 2-7 s, lost money from the 14th kill with a pool of 16 and kept it over 40
   * kills with one connection; the plain-JDBC probe in {@code scripts/h2-kill-probe} shows the
   * same without any Sequent code. A bank on a server database (PostgreSQL, MySQL) keeps its
   * pool.
   */
  static final int CONNECTIONS_MAX = 1;
  static final int CONNECTION_WAIT_SECONDS = 10;
  static final int LOCK_TIMEOUT_MS = 10_000;

  private final String participant;
  private final JdbcConnectionPool database;
  private final JdbcFenceStore fence;
  private final TccClient client;
  private final ParticipantEndpoint endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String url;
  private Connection snapshotConnection; // guarded by this

  private SqlAccountService(String participant, String url, JdbcConnectionPool database,
      JdbcFenceStore fence, TccClient client, ParticipantEndpoint endpoint) {
    this.participant = participant;
    this.url = url;
    this.database = database;
    this.fence = fence;
    this.client = client;
    this.endpoint = endpoint;
  }

  /**
   * Opens (or creates) the database in {@code dataDir}, starts the participant endpoint on
   * 127.0.0.1 and announces it to the cluster at {@code coordinators} (when the list is empty it
   * announces nothing: for tests that stand in for the leader).
   */
  public static SqlAccountService start(String participant, Path dataDir,
      List<InetSocketAddress> coordinators, Phase2Listener listener)
      throws SQLException, InterruptedException {
    return start(participant, dataDir, coordinators, listener, endpoint -> { });
  }

  /**
   * As {@link #start(String, Path, List, Phase2Listener)}, with the endpoint's settings adjusted
   * by {@code endpointSettings} before it starts: where it listens and the host it announces, for
   * a service in a container ({@code bind("0.0.0.0", 7100).advertisedHost(ip)}).
   */
  public static SqlAccountService start(String participant, Path dataDir,
      List<InetSocketAddress> coordinators, Phase2Listener listener,
      Consumer<ParticipantEndpoint.Builder> endpointSettings)
      throws SQLException, InterruptedException {
    // WRITE_DELAY=0: H2 otherwise writes a commit to its file up to 500 ms later, so a kill -9
    // loses commits the endpoint already acknowledged. The chaos suite found exactly that: the
    // bank's fence watermark went back six seqs behind what the cluster had recorded as acked,
    // and every later call was refused as a gap. The fence's promise is only as durable as the
    // database's commit: acknowledge nothing the database may still lose.
    String url = "jdbc:h2:file:" + dataDir.resolve("accounts").toAbsolutePath()
        + ";WRITE_DELAY=0;LOCK_TIMEOUT=" + LOCK_TIMEOUT_MS
        + ";QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE";
    JdbcConnectionPool database = JdbcConnectionPool.create(url, "sa", "");
    database.setMaxConnections(CONNECTIONS_MAX);
    database.setLoginTimeout(CONNECTION_WAIT_SECONDS); // bounds the wait for the connection
    TccClient client = null;
    try {
      createTables(database);
      JdbcFenceStore fence = JdbcFenceStore.create(database);
      ParticipantEndpoint.Builder builder = ParticipantEndpoint.builder()
          .participant(participant, new SqlAccountsResource(listener), fence);
      if (!coordinators.isEmpty()) {
        client = TccClient.builder().seeds(coordinators).operationTimeoutMs(30_000).build();
        builder.client(client); // announces the endpoint, so the leader knows where phase two goes
      }
      endpointSettings.accept(builder);
      ParticipantEndpoint endpoint = builder.start();
      return new SqlAccountService(participant, url, database, fence, client, endpoint);
    } catch (SQLException | InterruptedException | RuntimeException e) {
      if (client != null) {
        client.close();
      }
      database.dispose();
      throw e;
    }
  }

  private static void createTables(JdbcConnectionPool database) throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(SqlAccountStore.CREATE_TABLE);
      statement.execute(SqlAccountsResource.CREATE_JOURNAL);
    }
  }

  @Override
  public String participant() {
    return participant;
  }

  @Override
  public InetSocketAddress endpoint() {
    return endpoint.address();
  }

  @Override
  public void openAccount(String id, long openingBalance) {
    try (Connection connection = database.getConnection()) {
      new Accounts(new SqlAccountStore(connection)).open(id, openingBalance);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open account " + id, e);
    }
  }

  @Override
  public List<Account> accounts() {
    try (Connection connection = database.getConnection()) {
      return SqlAccountStore.all(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the accounts of " + participant, e);
    }
  }

  /**
   * Reads the accounts and the highest journal seq in one transaction at H2's SNAPSHOT isolation,
   * which sees the whole database as of the transaction's first read; every step commits its
   * money and its journal row together, so the two agree. The reads run on a connection of their
   * own, outside the pool: the pool's one connection serves the fence's transactions, and a
   * snapshot must neither wait for them nor change that session's isolation level.
   */
  @Override
  public synchronized BankSnapshot snapshot() {
    try {
      if (snapshotConnection == null || snapshotConnection.isClosed()) {
        snapshotConnection = DriverManager.getConnection(url, "sa", "");
        try (Statement statement = snapshotConnection.createStatement()) {
          statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL"
              + " SNAPSHOT");
        }
        snapshotConnection.setAutoCommit(false);
      }
      try (Statement statement = snapshotConnection.createStatement()) {
        List<Account> accounts = SqlAccountStore.all(snapshotConnection);
        long seq;
        try (ResultSet row = statement.executeQuery(
            "SELECT COALESCE(MAX(seq), 0) FROM applied_call")) {
          row.next();
          seq = row.getLong(1);
        }
        return new BankSnapshot(accounts, seq);
      } finally {
        snapshotConnection.rollback(); // ends the read-only transaction: the next one is fresh
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read a snapshot of " + participant, e);
    }
  }

  @Override
  public List<AppliedCall> appliedCalls() {
    try (Connection connection = database.getConnection()) {
      return SqlAccountsResource.journal(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the applied calls of " + participant, e);
    }
  }

  @Override
  public FenceStore fence() {
    return fence;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Endpoint first: it may still be applying a call on the database closed last.
    endpoint.close();
    if (client != null) {
      client.close();
    }
    fence.close();
    synchronized (this) {
      if (snapshotConnection != null) {
        try {
          snapshotConnection.close();
        } catch (SQLException e) {
          // closing a read-only connection; nothing to keep
        }
      }
    }
    database.dispose();
  }
}
