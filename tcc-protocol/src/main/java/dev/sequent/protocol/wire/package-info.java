/**
 * Framing: bytes on a TCP connection to and from {@link dev.sequent.protocol.wire.Envelope}s.
 *
 * <p>One frame carries one protobuf message:
 *
 * <pre>
 * [u32 length][u8 version = 1][u8 message type][u64 request id][protobuf body]
 * </pre>
 *
 * <p>All integers are big-endian. {@code length} counts everything after itself (version, type,
 * request id and body), so it is at least 10 and at most the configured {@code frameBytesMax}
 * (default 1 MiB, see {@link dev.sequent.protocol.wire.WireFormat}). The type is a {@link
 * dev.sequent.protocol.MessageType} code; the request id pairs a reply with its request on one
 * connection (0: about the connection as a whole).
 *
 * <p>A pipeline reads as the data flow: {@link dev.sequent.protocol.wire.FrameDecoder} and {@link
 * dev.sequent.protocol.wire.FrameEncoder} next to the socket, then the side's own handler. Bad
 * input surfaces as a {@link dev.sequent.protocol.wire.ProtocolException} carrying the {@link
 * dev.sequent.protocol.Outcome} to answer with; {@link dev.sequent.protocol.wire.ProtocolErrors}
 * answers it and closes that one connection.
 *
 * <p>This package depends on Netty's buffer, codec and transport APIs and on protobuf; it must not
 * import the client, the coordinator, Ratis or RocksDB.
 */
package dev.sequent.protocol.wire;
