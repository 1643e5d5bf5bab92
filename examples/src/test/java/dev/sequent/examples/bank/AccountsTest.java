package dev.sequent.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The business rules alone, on a map: no database, no TCC. */
class AccountsTest {
  private final Map<String, Account> rows = new HashMap<>();
  private final AccountStore store = new AccountStore() {
    @Override
    public Optional<Account> load(String id) {
      return Optional.ofNullable(rows.get(id));
    }

    @Override
    public void save(Account account) {
      rows.put(account.id(), account);
    }
  };
  private Accounts accounts;

  @BeforeEach
  void open() {
    accounts = new Accounts(store);
    accounts.open("a", 100);
  }

  @Test
  void freezingReservesAvailableMoneyWithoutSpendingIt() {
    assertEquals(new Account("a", 100, 30), accounts.freeze("a", 30));
    assertEquals(70, accounts.get("a").available());
    assertEquals(new Account("a", 100, 100), accounts.freeze("a", 70), "all of it may freeze");
  }

  @Test
  void anOverdraftIsRefusedAndChangesNothing() {
    accounts.freeze("a", 60);
    InsufficientFundsException refused =
        assertThrows(InsufficientFundsException.class, () -> accounts.freeze("a", 41));
    assertEquals("insufficient funds in a: 41 asked, 40 available (balance 100, frozen 60)",
        refused.getMessage());
    assertEquals("a", refused.account());
    assertEquals(new Account("a", 100, 60), accounts.get("a"));
  }

  @Test
  void committingTakesFrozenMoneyAndReleasingGivesItBack() {
    accounts.freeze("a", 30);
    accounts.freeze("a", 20);
    assertEquals(new Account("a", 70, 20), accounts.commitFrozen("a", 30));
    assertEquals(new Account("a", 70, 0), accounts.releaseFrozen("a", 20));
    assertEquals(new Account("a", 75, 0), accounts.deposit("a", 5));
  }

  @Test
  void takingOrReleasingMoreThanIsFrozenIsABug() {
    accounts.freeze("a", 10);
    assertThrows(IllegalStateException.class, () -> accounts.commitFrozen("a", 11));
    assertThrows(IllegalStateException.class, () -> accounts.releaseFrozen("a", 11));
    assertEquals(new Account("a", 100, 10), accounts.get("a"));
  }

  @Test
  void badInputIsRefused() {
    assertThrows(UnknownAccountException.class, () -> accounts.freeze("nobody", 1));
    assertThrows(IllegalArgumentException.class, () -> accounts.freeze("a", 0));
    assertThrows(IllegalArgumentException.class, () -> accounts.deposit("a", -5));
    assertThrows(IllegalStateException.class, () -> accounts.open("a", 1));
    assertThrows(IllegalArgumentException.class, () -> new Account("b", 10, 11));
  }

  @Test
  void legsRoundTripAndGarbageIsRefused() {
    Leg leg = Leg.debit("eu-007", 250);
    assertEquals("DEBIT eu-007 250", new String(leg.toBytes(), StandardCharsets.UTF_8));
    assertEquals(leg, Leg.parse(leg.toBytes()));
    for (String garbage : new String[] {"", "DEBIT eu-007", "LEND eu-007 5", "CREDIT x -1",
        "CREDIT x 1 2", "CREDIT x many"}) {
      assertThrows(IllegalArgumentException.class,
          () -> Leg.parse(garbage.getBytes(StandardCharsets.UTF_8)), garbage);
    }
  }

  /**
   * Random freezes, commits, releases and deposits against a plain model of pending transfers: the
   * account always equals the model, and available money never goes negative.
   */
  @Test
  void randomOperationsMatchAModelOfPendingTransfers() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("AccountsTest seed " + seed + " (replay with -Dseed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    Map<Integer, Long> pending = new HashMap<>();
    long balance = 100;
    for (int step = 0; step < 2_000; step++) {
      long amount = random.nextLong(1, 60);
      int op = random.nextInt(4);
      if (op == 0) {
        long frozen = pending.values().stream().mapToLong(Long::longValue).sum();
        if (balance - frozen >= amount) {
          accounts.freeze("a", amount);
          pending.put(step, amount);
        } else {
          assertThrows(InsufficientFundsException.class, () -> accounts.freeze("a", amount));
        }
      } else if (op == 3) {
        accounts.deposit("a", amount);
        balance += amount;
      } else if (!pending.isEmpty()) {
        Integer key = pending.keySet().iterator().next();
        long held = pending.remove(key);
        if (op == 1) {
          accounts.commitFrozen("a", held);
          balance -= held;
        } else {
          accounts.releaseFrozen("a", held);
        }
      }
      long frozen = pending.values().stream().mapToLong(Long::longValue).sum();
      assertEquals(new Account("a", balance, frozen), accounts.get("a"),
          "step " + step + ", seed " + seed);
      assertTrue(accounts.get("a").available() >= 0);
    }
  }
}
