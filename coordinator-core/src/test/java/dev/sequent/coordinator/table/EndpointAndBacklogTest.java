package dev.sequent.coordinator.table;

import static dev.sequent.coordinator.table.TableHarness.branch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.protocol.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Endpoint announcements and the backlog read: what the leader's dispatcher reads to serve. */
class EndpointAndBacklogTest {

  private final TableHarness h = new TableHarness(
      new TableLimits(16, 8, 8, 16, 100, 10, 10_000, 8, 8, 100));

  @AfterEach
  void close() {
    h.close();
  }

  private CommandResult announce(String participant, String host, int port) {
    return h.one(0, new Command.AnnounceEndpoint(participant, host, port));
  }

  @Test
  void anAnnouncementIsStoredAndTheLatestWins() {
    assertEquals(Optional.empty(), h.table.endpoint(h.store, "p1"));

    assertEquals(Outcome.OK, announce("p1", "127.0.0.1", 7001).outcome());
    assertEquals(Outcome.OK, announce("p2", "::1", 65_535).outcome());
    assertEquals(Outcome.OK, announce("p1", "host-b.example", 1).outcome());

    assertEquals(Optional.of(new Endpoint("host-b.example", 1)),
        h.table.endpoint(h.store, "p1"));
    assertEquals(Optional.of(new Endpoint("::1", 65_535)), h.table.endpoint(h.store, "p2"));
  }

  @Test
  void theSameAnnouncementAgainWritesNothing() {
    announce("p1", "127.0.0.1", 7001);
    String before = h.dump();

    CommandResult again = announce("p1", "127.0.0.1", 7001);

    assertEquals(Outcome.OK, again.outcome());
    assertTrue(again.detail().contains("unchanged"), again.detail());
    assertEquals(before, h.dump(), "an idempotent retry leaves the store byte for byte");
  }

  @Test
  void badParticipantsHostsAndPortsAreInvalidAndWriteNothing() {
    h.apply(0, List.of());
    String before = h.dump();
    String longHost = "h".repeat(Endpoint.HOST_BYTES_MAX + 1);
    for (Command.AnnounceEndpoint bad : List.of(
        new Command.AnnounceEndpoint("", "h", 1),
        new Command.AnnounceEndpoint("toolong-p", "h", 1),
        new Command.AnnounceEndpoint("p1", "", 1),
        new Command.AnnounceEndpoint("p1", "a b", 1),
        new Command.AnnounceEndpoint("p1", longHost, 1),
        new Command.AnnounceEndpoint("p1", "h", 0),
        new Command.AnnounceEndpoint("p1", "h", 65_536),
        new Command.AnnounceEndpoint("p1", "h", -80))) {
      assertEquals(Outcome.INVALID_ARGUMENT, h.one(0, bad).outcome(), bad.toString());
    }
    assertEquals(before, h.dump());
    assertEquals(Outcome.OK,
        announce("p1", "h".repeat(Endpoint.HOST_BYTES_MAX), 80).outcome(), "longest host");
  }

  @Test
  void backlogListsParticipantsWithUnacknowledgedCallsInNameOrder() {
    assertEquals(List.of(), h.table.backlog(h.store));
    h.apply(0,
        new Command.Begin("x1", 1000,
            List.of(branch("b1", "p2"), branch("b2", "p1"), branch("b3", "p2"))),
        new Command.Begin("x2", 1000, List.of(branch("b1", "p3"))),
        new Command.Decide("x1", Decision.CONFIRM));

    assertEquals(List.of(new Backlog("p1", 0, 1), new Backlog("p2", 0, 2)),
        h.table.backlog(h.store), "p3's txn is still TRYING: no seq, no backlog");

    h.one(0, new Command.RecordAcks(List.of(new Ack("p2", 1), new Ack("p1", 1))));

    List<Backlog> backlog = h.table.backlog(h.store);
    assertEquals(List.of(new Backlog("p2", 1, 2)), backlog);
    assertEquals(1, backlog.get(0).calls());
    assertThrows(IllegalArgumentException.class, () -> new Backlog("p", 2, 2));
  }

  @Test
  void aCorruptEndpointRecordIsABrokenInvariant() {
    h.raw(staged -> staged.put(TableKeys.ENDPOINT, "p1".getBytes(StandardCharsets.UTF_8),
        RecordCodec.encodeEndpoint(new Endpoint("h", 1))));
    assertEquals(Optional.of(new Endpoint("h", 1)), h.table.endpoint(h.store, "p1"));
    for (byte[] bad : List.of(new byte[] {1, 1, 'h', 0}, new byte[] {1, 0, 1},
        new byte[] {2, 1, 'h', 1}, new byte[] {1, 1, 'h', (byte) 0x80, (byte) 0x80, 4})) {
      h.raw(staged -> staged.put(TableKeys.ENDPOINT, "p1".getBytes(StandardCharsets.UTF_8), bad));
      assertThrows(IllegalStateException.class, () -> h.table.endpoint(h.store, "p1"));
    }
  }

  @Test
  void endpointsRefuseWhatAnnouncementsRefuse() {
    assertThrows(IllegalArgumentException.class, () -> new Endpoint("", 80));
    assertThrows(IllegalArgumentException.class, () -> new Endpoint("h", 0));
    assertEquals("h:80", new Endpoint("h", 80).toString());
  }
}
