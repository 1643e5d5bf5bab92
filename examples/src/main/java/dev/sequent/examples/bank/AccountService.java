package dev.sequent.examples.bank;

import dev.sequent.client.participant.FenceStore;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * An account service as its operators (and the demo's checks) see it: a participant with its own
 * database. Two implementations show the two kinds of fence: {@link SqlAccountService} (H2, the
 * fence in the same SQL transaction as the money) and {@link RocksAccountService} (RocksDB, the
 * fence in its own batch, the money made idempotent by branch).
 */
public interface AccountService extends AutoCloseable {

  /** The participant id the cluster knows this service by. */
  String participant();

  /** Where its participant endpoint listens (tries from initiators, phase two from the leader). */
  InetSocketAddress endpoint();

  /** Opens an account with an opening balance (seeding; outside any transfer). */
  void openAccount(String id, long openingBalance);

  /** Every account as stored now, ordered by id. */
  List<Account> accounts();

  /**
   * The accounts and the last phase-2 seq they reflect, read in one consistent view (a chaos
   * harness's periodic read: balances it can check to the unit).
   */
  BankSnapshot snapshot();

  /** The phase-2 calls the service applied, in the order it applied them. */
  List<AppliedCall> appliedCalls();

  /** The service's fence, for reading its rows and watermark (never for writing). */
  FenceStore fence();

  /** Stops the endpoint, then its cluster client, then closes the database. Idempotent. */
  @Override
  void close();
}
