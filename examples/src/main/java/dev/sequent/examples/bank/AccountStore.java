package dev.sequent.examples.bank;

import java.util.Optional;

/**
 * Where {@link Accounts} keeps its accounts: a port, so the same business rules run on an SQL
 * database inside the fence's transaction and on RocksDB. An implementation is used by one
 * business operation at a time and must serialise concurrent ones on the same account (a row
 * lock, or a lock around the whole operation).
 */
public interface AccountStore {

  /** The account, read for update: a store with row locks holds it until its transaction ends. */
  Optional<Account> load(String id);

  /** Inserts or replaces the account. */
  void save(Account account);
}
