package dev.sequent.examples.bank;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Accounts in SQL, on a connection someone else owns and commits: inside a TCC step that is the
 * fence's transaction, so the money and the fence row commit together. Loads lock the row ({@code
 * FOR UPDATE}) until that transaction ends, which serialises concurrent steps on one account.
 */
final class SqlAccountStore implements AccountStore {
  static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS account ("
      + "id VARCHAR(64) NOT NULL PRIMARY KEY, balance BIGINT NOT NULL, frozen BIGINT NOT NULL, "
      + "CHECK (frozen >= 0 AND frozen <= balance))";
  private static final String SELECT = "SELECT balance, frozen FROM account WHERE id = ?";
  private static final String UPDATE = "UPDATE account SET balance = ?, frozen = ? WHERE id = ?";
  private static final String INSERT = "INSERT INTO account (balance, frozen, id) VALUES (?, ?, ?)";

  private final Connection connection;

  SqlAccountStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public Optional<Account> load(String id) {
    try (PreparedStatement select = connection.prepareStatement(SELECT + " FOR UPDATE")) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(new Account(id, row.getLong(1), row.getLong(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read account " + id, e);
    }
  }

  @Override
  public void save(Account account) {
    try {
      if (write(UPDATE, account) == 0) {
        write(INSERT, account);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write account " + account.id(), e);
    }
  }

  private int write(String sql, Account account) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, account.balance());
      statement.setLong(2, account.frozen());
      statement.setString(3, account.id());
      return statement.executeUpdate();
    }
  }

  /** Every account, without locking (a read for reports). */
  static List<Account> all(Connection connection) throws SQLException {
    List<Account> accounts = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT id, balance, frozen FROM account ORDER BY id");
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        accounts.add(new Account(row.getString(1), row.getLong(2), row.getLong(3)));
      }
    }
    return accounts;
  }
}
