package dev.sequent.storage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint format of {@link InMemoryStateStore}: one file, {@value #FILE_NAME}, in the
 * checkpoint directory. All numbers are big-endian:
 *
 * <pre>
 *   int   magic 0x53514E53 ("SQNS")
 *   int   format version (1)
 *   long  applied term
 *   long  applied index
 *   int   keyspace count, then per keyspace in name order:
 *     int name length, UTF-8 name bytes
 *     int entry count, then per entry in unsigned key order:
 *       int key length, key bytes, int value length, value bytes
 *   int   CRC32C of every byte above
 * </pre>
 *
 * <p>The file is written into a temporary sibling directory, forced to disk, and the directory is
 * then renamed atomically to the target: a reader sees a whole checkpoint or no directory at all.
 */
final class CheckpointFile {

  static final String FILE_NAME = "sequent-state.bin";
  static final int MAGIC = 0x53514E53;
  static final int VERSION = 1;

  /** What a checkpoint holds: the applied index and every keyspace's entries, in key order. */
  record Contents(AppliedIndex applied, SortedMap<String, SortedMap<byte[], byte[]>> keyspaces) {}

  private CheckpointFile() {}

  /** Writes contents as a new directory targetDir, atomically. */
  static void write(Path targetDir, Contents contents) {
    Path parent = Checkpoints.requireNewDirectory(targetDir);
    Path target = targetDir.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
      writeFile(tmp.resolve(FILE_NAME), contents);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      Checkpoints.forceDirectory(parent);
    } catch (IOException e) {
      throw new StorageException("could not write checkpoint " + targetDir, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** Reads the checkpoint in dir, checking its magic, version and checksum. */
  static Contents read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new StorageException("no checkpoint file " + file);
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      long lengthMax = Files.size(file);
      CheckedInputStream checked = new CheckedInputStream(raw, new CRC32C());
      Contents contents = readBody(new DataInputStream(checked), lengthMax);
      int computed = (int) checked.getChecksum().getValue();
      int stored = new DataInputStream(raw).readInt();
      if (computed != stored || raw.read() != -1) {
        throw new StorageException("checkpoint file is corrupt (checksum or length): " + file);
      }
      return contents;
    } catch (EOFException e) {
      throw new StorageException("checkpoint file is truncated: " + file, e);
    } catch (IOException e) {
      throw new StorageException("could not read checkpoint " + file, e);
    }
  }

  private static void writeFile(Path file, Contents contents) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      CheckedOutputStream checked = new CheckedOutputStream(buffered, new CRC32C());
      DataOutputStream out = new DataOutputStream(checked);
      writeBody(out, contents);
      out.flush();
      new DataOutputStream(buffered).writeInt((int) checked.getChecksum().getValue());
      buffered.flush();
      // The rename publishes the checkpoint, so its bytes must be on disk before it.
      channel.force(true);
    }
  }

  private static void writeBody(DataOutputStream out, Contents contents) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(contents.applied().term());
    out.writeLong(contents.applied().index());
    out.writeInt(contents.keyspaces().size());
    for (Map.Entry<String, SortedMap<byte[], byte[]>> keyspace : contents.keyspaces().entrySet()) {
      writeBytes(out, keyspace.getKey().getBytes(StandardCharsets.UTF_8));
      out.writeInt(keyspace.getValue().size());
      for (Map.Entry<byte[], byte[]> entry : keyspace.getValue().entrySet()) {
        writeBytes(out, entry.getKey());
        writeBytes(out, entry.getValue());
      }
    }
  }

  private static Contents readBody(DataInputStream in, long lengthMax) throws IOException {
    int magic = in.readInt();
    int version = in.readInt();
    if (magic != MAGIC) {
      throw new StorageException("not a sequent checkpoint (magic " + Integer.toHexString(magic)
          + ")");
    }
    if (version != VERSION) {
      throw new StorageException("unsupported checkpoint format version " + version);
    }
    AppliedIndex applied = readApplied(in);
    int keyspaceCount = readLength(in, lengthMax);
    SortedMap<String, SortedMap<byte[], byte[]>> keyspaces = new TreeMap<>();
    for (int k = 0; k < keyspaceCount; k++) {
      String name = new String(readBytes(in, lengthMax), StandardCharsets.UTF_8);
      int entryCount = readLength(in, lengthMax);
      SortedMap<byte[], byte[]> entries = new TreeMap<>(Keys::compare);
      for (int e = 0; e < entryCount; e++) {
        entries.put(readBytes(in, lengthMax), readBytes(in, lengthMax));
      }
      keyspaces.put(name, entries);
    }
    return new Contents(applied, keyspaces);
  }

  private static AppliedIndex readApplied(DataInputStream in) throws IOException {
    long term = in.readLong();
    long index = in.readLong();
    try {
      return new AppliedIndex(term, index);
    } catch (IllegalArgumentException e) {
      throw new StorageException("checkpoint holds an invalid applied index", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in, long lengthMax) throws IOException {
    byte[] bytes = new byte[readLength(in, lengthMax)];
    in.readFully(bytes);
    return bytes;
  }

  /** Reads a length or count; no valid one exceeds the file's size, so a larger one is corrupt. */
  private static int readLength(DataInputStream in, long lengthMax) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > lengthMax) {
      throw new StorageException("checkpoint file is corrupt (length " + length + ")");
    }
    return length;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // Best effort: a leftover hidden temporary directory is harmless, the write already failed.
    }
  }
}
