package dev.sequent.coordinator.table;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link RecordWriter} wrote. A stored record that does not parse means the store is
 * corrupt or was written by an unknown version: that is a broken invariant, so every failure is an
 * {@link IllegalStateException} (the adapter stops the node), and every length is checked against
 * the bytes left before anything is allocated.
 */
final class RecordReader {

  private final byte[] buf;
  private int pos;

  RecordReader(byte[] buf) {
    this.buf = buf;
  }

  int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  long readVarLong() {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = readByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw corrupt("varint longer than 9 bytes");
  }

  /** Reads a varint that must lie in [0, max]: counts and lengths. */
  int readCount(int max) {
    long value = readVarLong();
    if (value > max) {
      throw corrupt("count " + value + " above " + max);
    }
    return (int) value;
  }

  byte[] readBytes() {
    int length = readCount(buf.length - pos);
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
      throw corrupt("string is not UTF-8");
    }
  }

  int remaining() {
    return buf.length - pos;
  }

  void expectEnd() {
    if (pos != buf.length) {
      throw corrupt((buf.length - pos) + " trailing bytes");
    }
  }

  IllegalStateException corrupt(String why) {
    return new IllegalStateException("corrupt stored record at byte " + pos + ": " + why);
  }

  private void need(int bytes) {
    if (buf.length - pos < bytes) {
      throw corrupt("truncated");
    }
  }
}
