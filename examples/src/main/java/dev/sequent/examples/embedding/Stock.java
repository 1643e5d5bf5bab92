package dev.sequent.examples.embedding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The orders service's business: items in stock, some of them reserved for orders not yet final.
 * Plain SQL on a connection it is given, so inside a TCC step it runs in the fence's transaction.
 */
final class Stock {
  private final Connection connection;

  Stock(Connection connection) {
    this.connection = connection;
  }

  static void createTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS stock (sku VARCHAR(64) PRIMARY KEY,"
          + " on_hand INT NOT NULL, reserved INT NOT NULL,"
          + " CHECK (reserved >= 0 AND reserved <= on_hand))");
    }
  }

  void add(String sku, int quantity) throws SQLException {
    if (update("UPDATE stock SET on_hand = on_hand + ? WHERE sku = ?", quantity, sku) == 0) {
      update("INSERT INTO stock (on_hand, sku, reserved) VALUES (?, ?, 0)", quantity, sku);
    }
  }

  /** Holds {@code quantity} items for an order; refuses when fewer are free. */
  void reserve(String sku, int quantity) throws SQLException {
    if (update("UPDATE stock SET reserved = reserved + ? WHERE sku = ?"
        + " AND on_hand - reserved >= ?", quantity, sku, quantity) == 0) {
      throw new IllegalStateException("out of stock: fewer than " + quantity + " " + sku
          + " free");
    }
  }

  /** The order is final: the reserved items leave the shelf. */
  void ship(String sku, int quantity) throws SQLException {
    update("UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ? WHERE sku = ?",
        quantity, quantity, sku);
  }

  /** The order did not happen: the reserved items are free again. */
  void release(String sku, int quantity) throws SQLException {
    update("UPDATE stock SET reserved = reserved - ? WHERE sku = ?", quantity, sku);
  }

  /** On hand and reserved items of a sku, as {@code {onHand, reserved}}. */
  int[] level(String sku) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT on_hand, reserved FROM stock WHERE sku = ?")) {
      select.setString(1, sku);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? new int[] {row.getInt(1), row.getInt(2)} : new int[] {0, 0};
      }
    }
  }

  private int update(String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      return statement.executeUpdate();
    }
  }
}
