package dev.sequent.coordinator.dispatch;

import dev.sequent.coordinator.table.Endpoint;
import dev.sequent.protocol.proto.Phase2Call;
import java.util.List;

/**
 * The connections of the dispatcher, as its agent sees them: Netty in production, a simulated
 * network in a simulator. Called only from the agent's thread; must never block it.
 *
 * <p>Contract: every {@link #connect} ends in exactly one {@link Events#connected} or {@link
 * Events#disconnected} for its id, and a connected one in exactly one {@link Events#disconnected}
 * when it closes, for whatever reason (including {@link #close}). Answers arrive through {@link
 * Events#acked}, in the order the participant wrote them.
 */
public interface Transport {

  /** Opens connection id to the participant's endpoint. */
  void connect(String participant, Endpoint endpoint, long connectionId);

  /** Writes calls on connection id, in order, flushed once; dropped if it is not open. */
  void send(String participant, long connectionId, List<Phase2Call> calls);

  /** Closes connection id, if it is still the participant's. */
  void close(String participant, long connectionId);

  /** Closes every connection: the dispatcher stops. */
  void closeAll();

  /** What a transport reports back; safe to call from any thread. */
  interface Events {

    void connected(String participant, long connectionId);

    void disconnected(String participant, long connectionId);

    void acked(String participant, long connectionId, dev.sequent.protocol.proto.Phase2Ack ack);
  }
}
