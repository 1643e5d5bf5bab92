package dev.sequent.coordinator.raft;

import dev.sequent.storage.AppliedIndex;
import dev.sequent.storage.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots of one node, kept in Ratis's state-machine directory as {@code snap-<term>_<index>}
 * directories, each a checkpoint of the state store.
 *
 * <p>Why here and in this shape: Ratis streams the files a snapshot lists to a lagging follower and
 * then replaces the follower's whole state-machine directory with what it received. So a snapshot
 * must be a self-contained directory of plain files in that directory, and the live store must live
 * elsewhere (it would be deleted by an install). A checkpoint is written under a temporary name and
 * renamed, so a crash never leaves a half-written {@code snap-} directory.
 */
final class SnapshotDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotDirectory.class);
  private static final Pattern SNAPSHOT_NAME = Pattern.compile("snap-(\\d+)_(\\d+)");
  /** Ratis writes an MD5 file beside every file it installs; it is not part of the store. */
  private static final String MD5_SUFFIX = ".md5";

  private final Path dir;

  SnapshotDirectory(Path dir) {
    this.dir = dir;
  }

  Path path() {
    return dir;
  }

  /** A snapshot on disk: the applied index it holds and its directory. */
  record Snapshot(AppliedIndex applied, Path dir) {}

  /** The snapshot with the highest index, if any. */
  Optional<Snapshot> latest() {
    return list().stream().max(Comparator.comparing(Snapshot::applied));
  }

  List<Snapshot> list() {
    List<Snapshot> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (Stream<Path> children = Files.list(dir)) {
      children.forEach(child -> {
        Matcher m = SNAPSHOT_NAME.matcher(child.getFileName().toString());
        if (m.matches() && Files.isDirectory(child)) {
          AppliedIndex applied =
              new AppliedIndex(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
          found.add(new Snapshot(applied, child));
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list snapshots in " + dir, e);
    }
    return found;
  }

  /** Checkpoints the store into a new snapshot directory and returns it. */
  Snapshot take(StateStore store) throws IOException {
    Files.createDirectories(dir);
    AppliedIndex applied = store.appliedIndex();
    Path target = dir.resolve("snap-" + applied.term() + "_" + applied.index());
    if (Files.isDirectory(target)) {
      return new Snapshot(applied, target); // nothing applied since the last snapshot
    }
    Path tmp =
        dir.resolve("tmp-" + applied.term() + "_" + applied.index() + "-" + System.nanoTime());
    AppliedIndex written = store.checkpoint(tmp);
    if (!written.equals(applied)) {
      deleteRecursively(tmp);
      throw new IllegalStateException(
          "checkpoint holds " + written + " but the store was at " + applied);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("Snapshot taken at {} in {}", applied, target);
    return new Snapshot(applied, target);
  }

  /** Deletes every snapshot but the newest `keep`, and leftovers of interrupted checkpoints. */
  void cleanup(int keep) throws IOException {
    List<Snapshot> all = list();
    all.sort(Comparator.comparing(Snapshot::applied).reversed());
    for (int i = keep; i < all.size(); i++) {
      deleteRecursively(all.get(i).dir());
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> children = Files.list(dir)) {
        for (Path child : (Iterable<Path>) children::iterator) {
          if (child.getFileName().toString().startsWith("tmp-")) {
            deleteRecursively(child);
          }
        }
      }
    }
  }

  /** Every file of a snapshot, as Ratis must stream them to a follower. */
  static List<Path> files(Path snapshotDir) throws IOException {
    try (Stream<Path> walk = Files.walk(snapshotDir)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().endsWith(MD5_SUFFIX))
          .sorted()
          .toList();
    }
  }

  /** Copies a snapshot's store files (not Ratis's MD5 files) into a new directory. */
  static void copyStore(Path snapshotDir, Path target) throws IOException {
    Files.createDirectories(target);
    for (Path file : files(snapshotDir)) {
      Path dest = target.resolve(snapshotDir.relativize(file).toString());
      Files.createDirectories(dest.getParent());
      Files.copy(file, dest);
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
