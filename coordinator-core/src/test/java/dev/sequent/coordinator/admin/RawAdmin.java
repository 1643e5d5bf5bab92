package dev.sequent.coordinator.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.MessageLite;
import dev.sequent.protocol.MessageType;
import dev.sequent.protocol.wire.Envelope;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * One request and its reply over a plain socket, frames built by hand: what a node answers
 * exactly, without a client that follows hints or retries.
 */
final class RawAdmin {
  private RawAdmin() {}

  static Envelope ask(InetSocketAddress node, MessageLite request) throws IOException {
    byte[] body = request.toByteArray();
    byte[] frame = ByteBuffer.allocate(4 + 10 + body.length)
        .putInt(10 + body.length).put((byte) 1).put((byte) MessageType.of(request).code())
        .putLong(77).put(body).array();
    try (Socket socket = new Socket(node.getAddress(), node.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(frame);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int length = in.readInt();
      assertTrue(length >= 10 && length < 1 << 20, "reply frame length " + length);
      byte[] rest = new byte[length];
      in.readFully(rest);
      ByteBuffer header = ByteBuffer.wrap(rest);
      assertEquals(1, header.get(), "reply frame version");
      MessageType type = MessageType.fromCode(header.get() & 0xFF).orElseThrow();
      assertEquals(77, header.getLong(), "the reply carries the request id");
      MessageLite reply = type.parser().parseFrom(ByteBuffer.wrap(rest, 10, length - 10));
      return new Envelope(type, 77, reply);
    }
  }
}
