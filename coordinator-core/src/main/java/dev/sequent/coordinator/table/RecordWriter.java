package dev.sequent.coordinator.table;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends the primitives of the stored-record format: bytes, unsigned LEB128 varints, and
 * length-prefixed strings and byte arrays. Writing the same values always yields the same bytes,
 * which every replica relies on.
 */
final class RecordWriter {

  private byte[] buf;
  private int size;

  RecordWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  RecordWriter writeByte(int value) {
    ensure(1);
    buf[size++] = (byte) value;
    return this;
  }

  /** Writes a non-negative value as an unsigned varint (1 to 9 bytes for values below 2^63). */
  RecordWriter writeVarLong(long value) {
    if (value < 0) {
      throw new IllegalStateException("negative value in a stored record: " + value);
    }
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buf[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[size++] = (byte) value;
    return this;
  }

  RecordWriter writeBytes(byte[] value) {
    writeVarLong(value.length);
    ensure(value.length);
    System.arraycopy(value, 0, buf, size, value.length);
    size += value.length;
    return this;
  }

  RecordWriter writeString(String value) {
    return writeBytes(value.getBytes(StandardCharsets.UTF_8));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    if (buf.length - size < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
