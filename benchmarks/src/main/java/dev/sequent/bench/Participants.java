package dev.sequent.bench;

import dev.sequent.client.TccClient;
import dev.sequent.client.participant.BranchContext;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.client.participant.TccResource;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The participant services of a run, in the load generator's JVM: each its own endpoint and its
 * own RocksDB fence on disk (the fence row and watermark are written for every call, as a real
 * participant's are), with a resource whose business effect is nothing: what is measured is the
 * coordinator's and the protocol's cost, not a business database's.
 *
 * <p>Each confirm applied reports to {@link #expect}'s tracker, which tells when all confirms of
 * a txn were applied: the end of a "whole txn" as Seata's commit measures it.
 */
final class Participants implements AutoCloseable {
  /** Told when a confirm was applied at a participant. */
  interface ConfirmListener {
    void confirmed(String xid, String participant, long nanoTime);
  }

  private final List<ParticipantEndpoint> endpoints = new ArrayList<>();
  private final List<RocksFenceStore> fences = new ArrayList<>();
  private final List<String> ids = new ArrayList<>();
  private final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();

  Participants(int count, Path dir, TccClient announcer, ConfirmListener listener)
      throws InterruptedException {
    for (int i = 1; i <= count; i++) {
      String id = "p" + i;
      RocksFenceStore fence = RocksFenceStore.open(dir.resolve(id));
      fences.add(fence);
      TccResource resource = new TccResource() {
        @Override
        public void onTry(BranchContext branch) {}

        @Override
        public void onConfirm(BranchContext branch) {
          listener.confirmed(branch.xid(), branch.participant(), System.nanoTime());
        }

        @Override
        public void onCancel(BranchContext branch) {}
      };
      ParticipantEndpoint endpoint = ParticipantEndpoint.builder().bind("127.0.0.1", 0)
          .participant(id, resource, fence).client(announcer).start();
      endpoints.add(endpoint);
      ids.add(id);
      addresses.put(id, endpoint.address());
    }
  }

  List<String> ids() {
    return ids;
  }

  Map<String, InetSocketAddress> addresses() {
    return addresses;
  }

  @Override
  public void close() {
    endpoints.forEach(ParticipantEndpoint::close);
    fences.forEach(RocksFenceStore::close);
  }
}
