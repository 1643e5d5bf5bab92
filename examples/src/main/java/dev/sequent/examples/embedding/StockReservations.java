package dev.sequent.examples.embedding;

import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.TccResource;
import java.sql.SQLException;

/**
 * The TCC face of {@link Stock}: try reserves, confirm ships, cancel releases. Each step runs on
 * the JDBC fence's connection, so it commits with the fence's row; the fence makes repeats and
 * reordered calls harmless, and a cancel after a failed try skips the release (the failed try's
 * changes were rolled back with it).
 */
final class StockReservations implements TccResource {

  @Override
  public void onTry(BranchContext branch) throws SQLException {
    OrderLine line = OrderLine.parse(branch.payload());
    stock(branch).reserve(line.sku(), line.quantity());
  }

  @Override
  public void onConfirm(BranchContext branch) throws SQLException {
    OrderLine line = OrderLine.parse(branch.payload());
    stock(branch).ship(line.sku(), line.quantity());
  }

  @Override
  public void onCancel(BranchContext branch) throws SQLException {
    if (!branch.tryFailed()) {
      OrderLine line = OrderLine.parse(branch.payload());
      stock(branch).release(line.sku(), line.quantity());
    }
  }

  private static Stock stock(BranchContext branch) {
    return new Stock(branch.connection().orElseThrow());
  }
}
