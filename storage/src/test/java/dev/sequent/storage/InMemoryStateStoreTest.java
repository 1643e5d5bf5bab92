package dev.sequent.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The state store contract, run against the in-memory store; plus its checkpoint file's checks. */
class InMemoryStateStoreTest extends StateStoreContract {

  @Override
  StateStore create(Set<String> keyspaces) {
    return track(InMemoryStateStore.create(keyspaces));
  }

  /** An in-memory store survives a restart only through a checkpoint: reopen goes through one. */
  @Override
  StateStore reopen(StateStore store, Set<String> keyspaces) {
    Path dir = newPath("reopen");
    store.checkpoint(dir);
    store.close();
    return openCheckpoint(dir, keyspaces);
  }

  @Override
  StateStore openCheckpoint(Path dir, Set<String> keyspaces) {
    return track(InMemoryStateStore.open(dir, keyspaces));
  }

  @Test
  void aCorruptCheckpointFileIsRefused() throws IOException {
    Path file = writtenCheckpoint().resolve(CheckpointFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);
    assertThrows(StorageException.class, () -> openCheckpoint(file.getParent(), KEYSPACES));
  }

  @Test
  void aTruncatedCheckpointFileIsRefused() throws IOException {
    Path file = writtenCheckpoint().resolve(CheckpointFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    assertThrows(StorageException.class, () -> openCheckpoint(file.getParent(), KEYSPACES));
  }

  @Test
  void aDirectoryWithoutACheckpointIsRefused() throws IOException {
    Path empty = Files.createDirectory(newPath("empty"));
    assertThrows(StorageException.class, () -> openCheckpoint(empty, KEYSPACES));
  }

  @Test
  void aCheckpointLeavesNoTemporaryFilesBehind() throws IOException {
    Path dir = writtenCheckpoint();
    try (var siblings = Files.list(dir.getParent())) {
      assertEquals(1, siblings.count(), "only the checkpoint directory itself");
    }
  }

  private Path writtenCheckpoint() {
    StateStore store = create();
    commit(store, 1, w -> {
      w.put(A, s("key"), s("a value long enough to corrupt"));
      w.put(B, b(0xFF), b(0x00));
    });
    Path dir = newPath("checkpoint");
    store.checkpoint(dir);
    return dir;
  }
}
