package dev.sequent.coordinator.log;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link EntryWriter} wrote from untrusted bytes. Every length and count is checked
 * against the bytes left before anything is allocated, and every loop consumes at least one byte,
 * so garbage fails fast with a {@link LogFormatException}: never an out-of-memory, never a hang.
 */
final class EntryReader {

  private final byte[] buf;
  private int pos;

  EntryReader(byte[] buf, int offset) {
    this.buf = buf;
    this.pos = offset;
  }

  int readByte() {
    if (pos >= buf.length) {
      throw fail("truncated");
    }
    return buf[pos++] & 0xFF;
  }

  /**
   * Reads a count of elements that each take at least minBytesEach bytes: a count the remaining
   * bytes cannot hold is refused before the caller allocates for it.
   */
  int readCount(int minBytesEach) {
    long value = readUnsigned();
    // Unsigned values at or above 2^63 read as negative longs: refuse them too.
    if (value < 0 || value > (buf.length - pos) / Math.max(1, minBytesEach)) {
      throw fail("count " + value + " exceeds the " + (buf.length - pos) + " bytes left");
    }
    return (int) value;
  }

  /** Reads an unsigned varint that must fit an int: codes and sizes that are not lengths here. */
  int readUnsignedInt() {
    long value = readUnsigned();
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw fail("value " + Long.toUnsignedString(value) + " does not fit an int");
    }
    return (int) value;
  }

  long readSigned() {
    long raw = readUnsigned();
    return (raw >>> 1) ^ -(raw & 1);
  }

  byte[] readBytes() {
    int length = readCount(1);
    byte[] value = Arrays.copyOfRange(buf, pos, pos + length);
    pos += length;
    return value;
  }

  String readString() {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(readBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail("string is not valid UTF-8");
    }
  }

  void expectEnd() {
    if (pos != buf.length) {
      throw fail((buf.length - pos) + " trailing bytes");
    }
  }

  LogFormatException fail(String why) {
    return new LogFormatException("bad log bytes at offset " + pos + ": " + why);
  }

  private long readUnsigned() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      if (shift == 63 && (b & 0x7E) != 0) {
        throw fail("varint overflows 64 bits");
      }
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw fail("varint longer than 10 bytes");
  }
}
