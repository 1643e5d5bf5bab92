package dev.sequent.client.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.sequent.protocol.Outcome;
import dev.sequent.protocol.proto.TryRequest;
import dev.sequent.protocol.wire.NettyLeakWatch;
import dev.sequent.storage.InMemoryStateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A participant endpoint records its own meters in the registry its service passes in: tries and
 * phase-2 calls by outcome, the applied seq, the phase-2 queue.
 */
@ExtendWith(NettyLeakWatch.class)
class EndpointMetricsTest {
  static final String P = "ledger";

  @Test
  void triesAndPhaseTwoCallsAreCountedByOutcome() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RocksFenceStore fence =
        RocksFenceStore.over(InMemoryStateStore.create(RocksFenceStore.KEYSPACES));
    try (ParticipantEndpoint endpoint = ParticipantEndpoint.builder()
            .participant(P, new RecordingResource(), fence).meterRegistry(registry).start();
        TestLeader leader = new TestLeader(endpoint.address())) {
      for (String xid : new String[] {"x1", "x2"}) {
        leader.send(TryRequest.newBuilder().setXid(xid).setBranchId("b").setParticipant(P)
            .setPayload(ByteString.copyFromUtf8("try")).build()).get(10, TimeUnit.SECONDS);
      }
      leader.call(Calls.confirm(P, 1, 1, "x1"));
      leader.call(Calls.confirm(P, 1, 1, "x1")); // a duplicate: answered OK again
      leader.call(Calls.confirm(P, 3, 1, "x2")); // a gap: refused

      assertEquals(2, registry.get("sequent.participant.tries")
          .tags("participant", P, "outcome", Outcome.OK.name()).timer().count());
      assertEquals(2, registry.get("sequent.participant.phase2.calls")
          .tags("participant", P, "outcome", Outcome.OK.name()).timer().count());
      assertEquals(1, registry.get("sequent.participant.phase2.calls")
          .tags("participant", P, "outcome", Outcome.SEQ_GAP.name()).timer().count());
      assertEquals(1.0, registry.get("sequent.participant.applied.seq")
          .tag("participant", P).gauge().value());
      assertEquals(0.0, registry.get("sequent.participant.phase2.queue")
          .tag("participant", P).gauge().value());
    }
  }
}
