package dev.sequent.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.client.Branch;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.client.TxnResult;
import dev.sequent.client.TxnState;
import dev.sequent.coordinator.server.CoordinatorNode;
import dev.sequent.coordinator.server.EmbeddedCluster;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.ErrorReply;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage, oversized frames and unknown message types sent to a node's client port: that socket
 * gets a clear error and is closed; the node keeps serving every other client; nothing is lost.
 */
class BadInputTest {
  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static CoordinatorNode leader;
  static TccClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterFixture.start(dir, Map.of());
    leader = cluster.awaitLeader(30_000);
    client = TccClient.builder().seeds(cluster.clientAddresses()).operationTimeoutMs(30_000)
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  /** A frame: [u32 length][u8 version][u8 type][u64 request id][body]. */
  static byte[] frame(int version, int type, long requestId, byte[] body) {
    return ByteBuffer.allocate(4 + 10 + body.length)
        .putInt(10 + body.length).put((byte) version).put((byte) type).putLong(requestId)
        .put(body).array();
  }

  /** Sends bytes on a fresh socket, returns the error reply, and checks the node closed it. */
  static ErrorReply sendAndExpectError(byte[] bytes) throws IOException {
    InetSocketAddress address = leader.clientAddress();
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int length = in.readInt();
      assertTrue(length >= 10 && length < 1 << 20, "reply frame length " + length);
      byte[] rest = new byte[length];
      in.readFully(rest);
      assertEquals(1, rest[0], "reply frame version");
      assertEquals(6, rest[1], "reply is an ErrorReply");
      ErrorReply reply = ErrorReply.parseFrom(ByteBuffer.wrap(rest, 10, length - 10));
      assertConnectionClosed(in);
      return reply;
    }
  }

  static void assertConnectionClosed(InputStream in) throws IOException {
    try {
      assertEquals(-1, in.read(), "the node closes a connection after bad input");
    } catch (SocketException reset) {
      // a reset is a close too
    } catch (EOFException eof) {
      // likewise
    }
  }

  @Test
  void badInputClosesOnlyThatConnectionAndLosesNothing() throws Exception {
    String before = TccClient.newXid();
    assertEquals(Outcome.OK, client.blocking()
        .begin(before, 600_000, List.of(new Branch("b", "p", new byte[] {1}))).outcome());

    ErrorReply version = sendAndExpectError(frame(9, 1, 7, new byte[0]));
    assertEquals(Outcome.UNSUPPORTED_VERSION.code(), version.getOutcome(), version.getMessage());

    ErrorReply unknown = sendAndExpectError(frame(1, 200, 8, new byte[] {1, 2, 3}));
    assertEquals(Outcome.UNKNOWN_MESSAGE_TYPE.code(), unknown.getOutcome(), unknown.getMessage());

    byte[] oversized = ByteBuffer.allocate(14).putInt(512 << 20).put((byte) 1).put((byte) 1)
        .putLong(9).array();
    ErrorReply tooLarge = sendAndExpectError(oversized);
    assertEquals(Outcome.FRAME_TOO_LARGE.code(), tooLarge.getOutcome(), tooLarge.getMessage());

    ErrorReply corrupt = sendAndExpectError(frame(1, 1, 10, new byte[] {(byte) 0xFF, 0x7F, 0x01}));
    assertEquals(Outcome.MALFORMED.code(), corrupt.getOutcome(), corrupt.getMessage());

    byte[] garbage = new byte[4096];
    long seed = 42;
    new Random(seed).nextBytes(garbage);
    // A plausible length (about 2 KiB, all present) so the node reads a header before refusing it.
    garbage[0] = 0;
    garbage[1] = 0;
    garbage[2] = 8;
    ErrorReply fromGarbage = sendAndExpectError(garbage);
    assertTrue(!Outcome.fromCode(fromGarbage.getOutcome()).isTransient(),
        "garbage is refused, not retried: " + fromGarbage.getMessage());

    // The node still serves other clients, and what it held before is intact.
    TxnResult kept = client.blocking().status(before);
    assertEquals(TxnState.TRYING, kept.txn().state());
    assertEquals(Outcome.OK, client.blocking().decide(before, Decision.CONFIRM).outcome());
    String after = TccClient.newXid();
    assertEquals(Outcome.OK, client.blocking()
        .begin(after, 600_000, List.of(new Branch("b", "p", new byte[] {2}))).outcome());
    assertTrue(cluster.fatalErrors().isEmpty());
  }

  @Test
  void aReplyMessageSentAsARequestIsRefusedWithoutClosingTheNode() throws Exception {
    InetSocketAddress address = leader.clientAddress();
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      // A well-formed Phase2Ack (type 8) is a valid frame but not a request a coordinator serves.
      socket.getOutputStream().write(frame(1, 8, 11, new byte[0]));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] rest = new byte[in.readInt()];
      in.readFully(rest);
      ErrorReply reply = ErrorReply.parseFrom(ByteBuffer.wrap(rest, 10, rest.length - 10));
      assertEquals(Outcome.INVALID_ARGUMENT.code(), reply.getOutcome(), reply.getMessage());
      assertEquals(11, ByteBuffer.wrap(rest, 2, 8).getLong(), "reply carries the request id");
    }
  }
}
