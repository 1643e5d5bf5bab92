package dev.sequent.examples.bank;

import dev.sequent.client.TccClient;
import dev.sequent.client.participant.FenceStore;
import dev.sequent.client.participant.ParticipantEndpoint;
import dev.sequent.client.participant.RocksFenceStore;
import dev.sequent.storage.RocksConfig;
import dev.sequent.storage.RocksStateStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An account service whose accounts live in its own RocksDB database, with a {@link
 * RocksFenceStore} in other keyspaces of the same database.
 *
 * <p>What holds, precisely: the fence's row and watermark are one atomic batch, and each step's
 * money, its branch's effect record and its journal entry are another, written first. A crash
 * between the two loses the fence's batch only: a phase-2 call then comes again from the leader
 * and finds its effect (nothing moves twice); a try's freeze without a fence row is undone when
 * the service starts again ({@link RocksBankStore#undoUnfencedTries}), because its initiator never
 * heard OK and its cancel will arrive as an empty cancel. Batches are written without fsync: an
 * operating-system crash may lose the last ones, both kinds together or the fence's alone, which
 * the same two rules cover.
 */
public final class RocksAccountService implements AccountService {
  private static final long MIB = 1024 * 1024;

  private final String participant;
  private final RocksStateStore database;
  private final RocksBankStore bank;
  private final RocksFenceStore fence;
  private final TccClient client;
  private final ParticipantEndpoint endpoint;
  private final int undoneAtStart;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RocksAccountService(String participant, RocksStateStore database, RocksBankStore bank,
      RocksFenceStore fence, TccClient client, ParticipantEndpoint endpoint, int undoneAtStart) {
    this.participant = participant;
    this.database = database;
    this.bank = bank;
    this.fence = fence;
    this.client = client;
    this.endpoint = endpoint;
    this.undoneAtStart = undoneAtStart;
  }

  /**
   * Opens (or creates) the database in {@code dataDir}, undoes tries a crash cut off from their
   * fence rows, starts the participant endpoint on 127.0.0.1 and announces it to the cluster at
   * {@code coordinators} (when the list is empty it announces nothing: for tests).
   */
  public static RocksAccountService start(String participant, Path dataDir,
      List<InetSocketAddress> coordinators, Phase2Listener listener)
      throws InterruptedException {
    return start(participant, dataDir, coordinators, listener, endpoint -> { });
  }

  /**
   * As {@link #start(String, Path, List, Phase2Listener)}, with the endpoint's settings adjusted
   * by {@code endpointSettings} before it starts: where it listens and the host it announces, for
   * a service in a container ({@code bind("0.0.0.0", 7100).advertisedHost(ip)}).
   */
  public static RocksAccountService start(String participant, Path dataDir,
      List<InetSocketAddress> coordinators, Phase2Listener listener,
      Consumer<ParticipantEndpoint.Builder> endpointSettings)
      throws InterruptedException {
    RocksStateStore database = RocksStateStore.open(dataDir, RocksBankStore.keyspaces(),
        new RocksConfig(8 * MIB, 4 * MIB, MIB, 1, 64));
    TccClient client = null;
    try {
      RocksFenceStore fence = RocksFenceStore.over(database);
      RocksBankStore bank = new RocksBankStore(database);
      int undone = bank.undoUnfencedTries(participant, fence);
      ParticipantEndpoint.Builder builder = ParticipantEndpoint.builder()
          .participant(participant, new RocksAccountsResource(bank, listener), fence);
      if (!coordinators.isEmpty()) {
        client = TccClient.builder().seeds(coordinators).operationTimeoutMs(30_000).build();
        builder.client(client); // announces the endpoint, so the leader knows where phase two goes
      }
      endpointSettings.accept(builder);
      ParticipantEndpoint endpoint = builder.start();
      return new RocksAccountService(participant, database, bank, fence, client, endpoint,
          undone);
    } catch (InterruptedException | RuntimeException e) {
      if (client != null) {
        client.close();
      }
      database.close();
      throw e;
    }
  }

  /** How many tries without fence rows were undone when this service started. */
  public int undoneAtStart() {
    return undoneAtStart;
  }

  @Override
  public String participant() {
    return participant;
  }

  @Override
  public InetSocketAddress endpoint() {
    return endpoint.address();
  }

  @Override
  public void openAccount(String id, long openingBalance) {
    bank.write(batch -> new Accounts(batch).open(id, openingBalance));
  }

  @Override
  public List<Account> accounts() {
    return bank.accounts();
  }

  @Override
  public BankSnapshot snapshot() {
    return bank.snapshot();
  }

  @Override
  public List<AppliedCall> appliedCalls() {
    return bank.journal();
  }

  @Override
  public FenceStore fence() {
    return fence;
  }

  /** The bank's store, for tests that replay a step as a resend after a crash would. */
  RocksBankStore bank() {
    return bank;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    endpoint.close();
    if (client != null) {
      client.close();
    }
    fence.close(); // a fence over a store it does not own closes nothing; the database is ours
    database.close();
  }
}
