package dev.sequent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.TxnView;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTypeTest {

  /** The codes are a wire contract: this table may only grow. */
  @Test
  void codesAreStable() {
    Map<MessageType, Integer> expected = Map.ofEntries(
        Map.entry(MessageType.BEGIN_REQUEST, 1),
        Map.entry(MessageType.REGISTER_BRANCH_REQUEST, 2),
        Map.entry(MessageType.DECIDE_REQUEST, 3),
        Map.entry(MessageType.STATUS_REQUEST, 4),
        Map.entry(MessageType.TXN_REPLY, 5),
        Map.entry(MessageType.ERROR_REPLY, 6),
        Map.entry(MessageType.PHASE2_CALL, 7),
        Map.entry(MessageType.PHASE2_ACK, 8),
        Map.entry(MessageType.TRY_REQUEST, 9),
        Map.entry(MessageType.TRY_REPLY, 10),
        Map.entry(MessageType.ANNOUNCE_ENDPOINT_REQUEST, 11),
        Map.entry(MessageType.OPERATOR_RESOLVE_REQUEST, 12),
        Map.entry(MessageType.SIMPLE_REPLY, 13));
    assertEquals(expected.size(), MessageType.values().length, "a new type needs a row here");
    expected.forEach((type, code) -> assertEquals(code, type.code(), type.name()));
  }

  @Test
  void fromCodeFindsEveryTypeAndNothingElse() {
    for (MessageType type : MessageType.values()) {
      assertSame(type, MessageType.fromCode(type.code()).orElseThrow());
    }
    for (int code : new int[] {-1, 0, 14, 200, 255, 256, Integer.MAX_VALUE}) {
      assertTrue(MessageType.fromCode(code).isEmpty(), "code " + code);
    }
  }

  @Test
  void ofMapsAMessageToItsType() {
    assertSame(MessageType.PHASE2_ACK, MessageType.of(Phase2Ack.getDefaultInstance()));
    assertThrows(IllegalArgumentException.class,
        () -> MessageType.of(TxnView.getDefaultInstance()));
  }
}
