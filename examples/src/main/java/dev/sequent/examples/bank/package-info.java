/**
 * The bank-transfer example: account services (participants) and the transfer service
 * (initiator).
 *
 * <p>The business is plain: {@link dev.sequent.examples.bank.Accounts} (freeze, commit or release
 * frozen money, deposit; overdrafts refused) over an {@link
 * dev.sequent.examples.bank.AccountStore}, with {@link dev.sequent.examples.bank.Account} and
 * {@link dev.sequent.examples.bank.Leg}; these import nothing of Sequent. The TCC resources only
 * adapt it: {@code SqlAccountsResource} on H2 behind the JDBC fence (one local transaction for
 * money, fence row and applied seq), {@code RocksAccountsResource} on RocksDB behind the RocksDB
 * fence (effects idempotent by branch). {@link dev.sequent.examples.bank.SqlAccountService} and
 * {@link dev.sequent.examples.bank.RocksAccountService} wire each into a participant endpoint;
 * {@link dev.sequent.examples.bank.TransferService} is the initiator.
 *
 * <p>Depends on the client library (and the protocol and storage modules it brings), never on
 * the coordinator.
 */
package dev.sequent.examples.bank;
