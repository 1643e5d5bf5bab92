package dev.sequent.coordinator.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends the primitives of the log format: bytes, fixed big-endian longs, unsigned and zigzag
 * LEB128 varints, length-prefixed strings and byte arrays.
 */
final class EntryWriter {

  private byte[] buf;
  private int size;

  EntryWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  EntryWriter writeByte(int value) {
    ensure(1);
    buf[size++] = (byte) value;
    return this;
  }

  EntryWriter writeFixedLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (value >>> shift);
    }
    return this;
  }

  /** Writes a count or length (never negative) as an unsigned varint. */
  EntryWriter writeCount(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative count " + value);
    }
    return writeUnsigned(value);
  }

  /** Writes any long, negative ones included, as a zigzag varint (small magnitudes stay short). */
  EntryWriter writeSigned(long value) {
    return writeUnsigned((value << 1) ^ (value >> 63));
  }

  EntryWriter writeBytes(byte[] value) {
    writeCount(value.length);
    ensure(value.length);
    System.arraycopy(value, 0, buf, size, value.length);
    size += value.length;
    return this;
  }

  EntryWriter writeString(String value) {
    return writeBytes(value.getBytes(StandardCharsets.UTF_8));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private EntryWriter writeUnsigned(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buf[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[size++] = (byte) value;
    return this;
  }

  private void ensure(int more) {
    if (buf.length - size < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
