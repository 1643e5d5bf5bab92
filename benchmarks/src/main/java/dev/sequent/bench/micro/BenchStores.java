package dev.sequent.bench.micro;

import dev.sequent.storage.InMemoryStateStore;
import dev.sequent.storage.RocksConfig;
import dev.sequent.storage.RocksStateStore;
import dev.sequent.storage.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A store for one benchmark trial or iteration: in memory, or RocksDB (production settings, {@link
 * RocksConfig#defaults()}) in a fresh temporary directory that {@link #close} deletes after
 * closing every native handle.
 */
final class BenchStores implements AutoCloseable {

  /** The {@code @Param} values naming the two implementations. */
  static final String MEMORY = "memory";
  static final String ROCKS = "rocks";

  final StateStore store;
  private final Path dirOrNull;

  private BenchStores(StateStore store, Path dirOrNull) {
    this.store = store;
    this.dirOrNull = dirOrNull;
  }

  static BenchStores open(String kind, Set<String> keyspaces) {
    switch (kind) {
      case MEMORY:
        return new BenchStores(InMemoryStateStore.create(keyspaces), null);
      case ROCKS:
        Path dir;
        try {
          dir = Files.createTempDirectory("sequent-jmh-");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return new BenchStores(
            RocksStateStore.open(dir.resolve("db"), keyspaces, RocksConfig.defaults()), dir);
      default:
        throw new IllegalArgumentException("unknown store " + kind);
    }
  }

  @Override
  public void close() {
    store.close();
    if (dirOrNull != null) {
      deleteTree(dirOrNull);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
