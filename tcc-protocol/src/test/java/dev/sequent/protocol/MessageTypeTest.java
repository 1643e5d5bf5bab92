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
        Map.entry(MessageType.SIMPLE_REPLY, 13),
        Map.entry(MessageType.NODE_STATUS_REQUEST, 14),
        Map.entry(MessageType.NODE_STATUS_REPLY, 15),
        Map.entry(MessageType.LIST_TXNS_REQUEST, 16),
        Map.entry(MessageType.TXN_PAGE_REPLY, 17),
        Map.entry(MessageType.LIST_NEEDS_OPERATOR_REQUEST, 18),
        Map.entry(MessageType.OPERATOR_CALLS_REPLY, 19),
        Map.entry(MessageType.TRIGGER_SNAPSHOT_REQUEST, 20),
        Map.entry(MessageType.SNAPSHOT_REPLY, 21),
        Map.entry(MessageType.REPLACE_MEMBER_REQUEST, 22),
        Map.entry(MessageType.MEMBERSHIP_REPLY, 23));
    assertEquals(expected.size(), MessageType.values().length, "a new type needs a row here");
    expected.forEach((type, code) -> assertEquals(code, type.code(), type.name()));
  }

  @Test
  void fromCodeFindsEveryTypeAndNothingElse() {
    for (MessageType type : MessageType.values()) {
      assertSame(type, MessageType.fromCode(type.code()).orElseThrow());
    }
    for (int code : new int[] {-1, 0, 24, 200, 255, 256, Integer.MAX_VALUE}) {
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
