package dev.sequent.protocol.wire;

import com.google.protobuf.MessageLite;

/**
 * The constants of the frame layout and the limit on frame size.
 *
 * <pre>
 * +----------------+-------------+-------------+----------------+----------------------+
 * | length: u32 BE | version: u8 | type: u8    | requestId: u64 | body: protobuf bytes |
 * +----------------+-------------+-------------+----------------+----------------------+
 *   4 bytes          \_____________ length bytes (at least 10) ___________________/
 * </pre>
 *
 * <p>{@code length} counts everything after itself: the 10 header bytes plus the body. A frame
 * limit ({@code frameBytesMax}) bounds {@code length}, so the largest frame on the wire is
 * {@code 4 + frameBytesMax} bytes.
 */
public final class WireFormat {
  /** The only frame version this code speaks. */
  public static final int VERSION = 1;

  /** Bytes of the length prefix. */
  public static final int LENGTH_FIELD_BYTES = 4;

  /** Bytes after the length prefix and before the body: version, type and request id. */
  public static final int HEADER_BYTES = 1 + 1 + 8;

  /** The default limit on {@code length}: 1 MiB. */
  public static final int FRAME_BYTES_MAX_DEFAULT = 1 << 20;

  /**
   * The largest limit accepted. Far below the u32 range on purpose: a limit is a promise to buffer
   * that much per connection.
   */
  public static final int FRAME_BYTES_MAX_LIMIT = 64 << 20;

  private WireFormat() {}

  /**
   * Validates a configured frame limit once, at start-up.
   *
   * @return the limit, for use in constructors
   * @throws IllegalArgumentException when it is below the header size or above {@link
   *     #FRAME_BYTES_MAX_LIMIT}
   */
  public static int checkFrameBytesMax(int frameBytesMax) {
    if (frameBytesMax < HEADER_BYTES || frameBytesMax > FRAME_BYTES_MAX_LIMIT) {
      throw new IllegalArgumentException("frameBytesMax must be in [" + HEADER_BYTES + ", "
          + FRAME_BYTES_MAX_LIMIT + "], was " + frameBytesMax);
    }
    return frameBytesMax;
  }

  /** The value of the length field of the frame that would carry this message. */
  public static long frameLength(MessageLite message) {
    return (long) HEADER_BYTES + message.getSerializedSize();
  }
}
