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
    Map<MessageType, Integer> expected = Map.of(
        MessageType.BEGIN_REQUEST, 1,
        MessageType.REGISTER_BRANCH_REQUEST, 2,
        MessageType.DECIDE_REQUEST, 3,
        MessageType.STATUS_REQUEST, 4,
        MessageType.TXN_REPLY, 5,
        MessageType.ERROR_REPLY, 6,
        MessageType.PHASE2_CALL, 7,
        MessageType.PHASE2_ACK, 8);
    assertEquals(expected.size(), MessageType.values().length, "a new type needs a row here");
    expected.forEach((type, code) -> assertEquals(code, type.code(), type.name()));
  }

  @Test
  void fromCodeFindsEveryTypeAndNothingElse() {
    for (MessageType type : MessageType.values()) {
      assertSame(type, MessageType.fromCode(type.code()).orElseThrow());
    }
    for (int code : new int[] {-1, 0, 9, 200, 255, 256, Integer.MAX_VALUE}) {
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
