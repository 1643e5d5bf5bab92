package dev.sequent.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/** Checks and file-system steps shared by the checkpoints of every store. */
final class Checkpoints {

  private Checkpoints() {}

  /**
   * Checks that targetDir does not exist and that its parent is a directory; returns the parent.
   * A checkpoint never overwrites anything: an existing target is a caller's mistake.
   */
  static Path requireNewDirectory(Path targetDir) {
    Path absolute = Objects.requireNonNull(targetDir, "targetDir").toAbsolutePath();
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("checkpoint target already exists: " + absolute);
    }
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("checkpoint target's parent is not a directory: "
          + absolute);
    }
    return parent;
  }

  /**
   * Forces a directory's entries to disk, so that a rename into it survives a power loss. Some
   * platforms cannot open a directory for this; there the rename is as durable as they allow.
   */
  static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not supported everywhere (e.g. Windows); the data files themselves were already forced.
    }
  }
}
