package dev.sequent.client.participant;

import org.junit.jupiter.api.AfterEach;

/** The fence contract on a JDBC fence in a real H2 in-memory database. */
class JdbcFenceContractTest extends FenceStoreContract {
  private H2Db db;

  @Override
  FenceStore openStore() throws Exception {
    // Opened here, not in a @BeforeEach: the contract's own @BeforeEach runs first and needs it.
    if (db == null) {
      db = H2Db.memory();
    }
    return JdbcFenceStore.create(db.dataSource);
  }

  @AfterEach
  void closeDatabase() throws Exception {
    if (db != null) {
      db.close();
    }
  }
}
