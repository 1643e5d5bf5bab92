package dev.sequent.client.participant;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The fence contract on a RocksDB fence in a real database directory. */
class RocksFenceContractTest extends FenceStoreContract {
  @TempDir Path dir;

  @Override
  FenceStore openStore() {
    return RocksFenceStore.open(dir.resolve("fence"));
  }
}
