package dev.sequent.protocol;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.sequent.protocol.proto.AnnounceEndpointRequest;
import dev.sequent.protocol.proto.BeginRequest;
import dev.sequent.protocol.proto.DecideRequest;
import dev.sequent.protocol.proto.ErrorReply;
import dev.sequent.protocol.proto.ListNeedsOperatorRequest;
import dev.sequent.protocol.proto.ListTxnsRequest;
import dev.sequent.protocol.proto.MembershipReply;
import dev.sequent.protocol.proto.NodeStatusReply;
import dev.sequent.protocol.proto.NodeStatusRequest;
import dev.sequent.protocol.proto.OperatorCallsReply;
import dev.sequent.protocol.proto.Phase2Ack;
import dev.sequent.protocol.proto.Phase2Call;
import dev.sequent.protocol.proto.OperatorResolveRequest;
import dev.sequent.protocol.proto.RegisterBranchRequest;
import dev.sequent.protocol.proto.ReplaceMemberRequest;
import dev.sequent.protocol.proto.SimpleReply;
import dev.sequent.protocol.proto.SnapshotReply;
import dev.sequent.protocol.proto.StatusRequest;
import dev.sequent.protocol.proto.TriggerSnapshotRequest;
import dev.sequent.protocol.proto.TryReply;
import dev.sequent.protocol.proto.TryRequest;
import dev.sequent.protocol.proto.TxnPageReply;
import dev.sequent.protocol.proto.TxnReply;
import java.util.Objects;
import java.util.Optional;

/**
 * The kind of message a frame carries, as a stable one-byte code in the frame header.
 *
 * <p>Codes are never reused or renumbered, like {@link Outcome} codes: a peer that meets a code it
 * does not know rejects the frame with {@link Outcome#UNKNOWN_MESSAGE_TYPE} instead of guessing.
 * Each type knows the protobuf message class of its body and the parser that reads it.
 */
public enum MessageType {
  BEGIN_REQUEST(1, BeginRequest.class, BeginRequest.parser()),
  REGISTER_BRANCH_REQUEST(2, RegisterBranchRequest.class, RegisterBranchRequest.parser()),
  DECIDE_REQUEST(3, DecideRequest.class, DecideRequest.parser()),
  STATUS_REQUEST(4, StatusRequest.class, StatusRequest.parser()),
  TXN_REPLY(5, TxnReply.class, TxnReply.parser()),
  ERROR_REPLY(6, ErrorReply.class, ErrorReply.parser()),
  PHASE2_CALL(7, Phase2Call.class, Phase2Call.parser()),
  PHASE2_ACK(8, Phase2Ack.class, Phase2Ack.parser()),
  TRY_REQUEST(9, TryRequest.class, TryRequest.parser()),
  TRY_REPLY(10, TryReply.class, TryReply.parser()),
  ANNOUNCE_ENDPOINT_REQUEST(11, AnnounceEndpointRequest.class, AnnounceEndpointRequest.parser()),
  OPERATOR_RESOLVE_REQUEST(12, OperatorResolveRequest.class, OperatorResolveRequest.parser()),
  SIMPLE_REPLY(13, SimpleReply.class, SimpleReply.parser()),
  NODE_STATUS_REQUEST(14, NodeStatusRequest.class, NodeStatusRequest.parser()),
  NODE_STATUS_REPLY(15, NodeStatusReply.class, NodeStatusReply.parser()),
  LIST_TXNS_REQUEST(16, ListTxnsRequest.class, ListTxnsRequest.parser()),
  TXN_PAGE_REPLY(17, TxnPageReply.class, TxnPageReply.parser()),
  LIST_NEEDS_OPERATOR_REQUEST(18, ListNeedsOperatorRequest.class,
      ListNeedsOperatorRequest.parser()),
  OPERATOR_CALLS_REPLY(19, OperatorCallsReply.class, OperatorCallsReply.parser()),
  TRIGGER_SNAPSHOT_REQUEST(20, TriggerSnapshotRequest.class, TriggerSnapshotRequest.parser()),
  SNAPSHOT_REPLY(21, SnapshotReply.class, SnapshotReply.parser()),
  REPLACE_MEMBER_REQUEST(22, ReplaceMemberRequest.class, ReplaceMemberRequest.parser()),
  MEMBERSHIP_REPLY(23, MembershipReply.class, MembershipReply.parser());

  /** Indexed by code: a decoder looks a type up per frame, so this is an array, not a map. */
  private static final MessageType[] BY_CODE = new MessageType[256];

  static {
    for (MessageType type : values()) {
      if (BY_CODE[type.code] != null) {
        throw new ExceptionInInitializerError("message type code reused: " + type.code);
      }
      BY_CODE[type.code] = type;
    }
  }

  private final int code;
  private final Class<? extends MessageLite> messageClass;
  private final Parser<? extends MessageLite> parser;

  MessageType(int code, Class<? extends MessageLite> messageClass,
      Parser<? extends MessageLite> parser) {
    if (code < 1 || code > 255) {
      throw new IllegalArgumentException("a type code is one unsigned byte, not 0: " + code);
    }
    this.code = code;
    this.messageClass = messageClass;
    this.parser = parser;
  }

  /** The code in the frame header, 1 to 255. */
  public int code() {
    return code;
  }

  /** The protobuf class of the body. */
  public Class<? extends MessageLite> messageClass() {
    return messageClass;
  }

  /** The parser of the body. */
  public Parser<? extends MessageLite> parser() {
    return parser;
  }

  /** The type with this code, or empty for a code this version does not know. */
  public static Optional<MessageType> fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      return Optional.empty();
    }
    return Optional.ofNullable(BY_CODE[code]);
  }

  /**
   * The type whose body is this message.
   *
   * @throws IllegalArgumentException when the message is not one of the wire messages
   */
  public static MessageType of(MessageLite message) {
    Objects.requireNonNull(message, "message");
    for (MessageType type : values()) {
      if (type.messageClass == message.getClass()) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "not a wire message: " + message.getClass().getName());
  }
}
