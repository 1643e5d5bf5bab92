package dev.sequent.examples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the demo will do, decided up front from the seed: the same seed gives the same accounts,
 * opening balances and transfers (their outcomes still depend on timing, as in any real system).
 * Most transfers are ordinary, between a random account of each bank; every 20th is an overdraft
 * by design (more than all the money there is); every 50th is run by an initiator that hangs past
 * its deadline.
 */
final class Workload {
  static final long OPENING_BALANCE_MIN = 1_000;
  static final long OPENING_BALANCE_MAX = 5_000;
  static final long AMOUNT_MAX = 300;
  static final long OVERDRAFT_AMOUNT = 1_000_000_000L;
  static final int OVERDRAFT_EVERY = 20;
  static final int HANG_EVERY = 50;

  /** How a transfer is run. */
  enum Kind {
    /** An ordinary transfer; it fails only if the money is not there at that moment. */
    TRANSFER,
    /** Asks for more than exists: its debit's try must be refused. */
    OVERDRAFT,
    /** Its initiator hangs past the deadline before deciding: the cluster cancels it. */
    HANG
  }

  /** One planned transfer. */
  record Plan(int index, Kind kind, String xid, String from, String to, long amount) {}

  final long seed;
  /** Opening balances by account id, eu accounts first. */
  final Map<String, Long> openings;
  final List<Plan> plans;

  private Workload(long seed, Map<String, Long> openings, List<Plan> plans) {
    this.seed = seed;
    this.openings = Collections.unmodifiableMap(openings);
    this.plans = List.copyOf(plans);
  }

  static Workload generate(long seed, int transfers, int accountsPerBank) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Long> openings = new LinkedHashMap<>();
    List<String> eu = new ArrayList<>();
    List<String> us = new ArrayList<>();
    for (int i = 1; i <= accountsPerBank; i++) {
      eu.add(String.format("eu-%03d", i));
      us.add(String.format("us-%03d", i));
    }
    for (String account : concat(eu, us)) {
      openings.put(account, random.nextLong(OPENING_BALANCE_MIN, OPENING_BALANCE_MAX + 1));
    }
    List<Plan> plans = new ArrayList<>(transfers);
    for (int i = 0; i < transfers; i++) {
      boolean euToUs = random.nextBoolean();
      String from = pick(random, euToUs ? eu : us);
      String to = pick(random, euToUs ? us : eu);
      Kind kind = i % HANG_EVERY == HANG_EVERY / 4 ? Kind.HANG
          : i % OVERDRAFT_EVERY == OVERDRAFT_EVERY / 3 ? Kind.OVERDRAFT : Kind.TRANSFER;
      long amount = kind == Kind.OVERDRAFT ? OVERDRAFT_AMOUNT : random.nextLong(1, AMOUNT_MAX + 1);
      plans.add(new Plan(i, kind, "demo-" + seed + "-" + i, from, to, amount));
    }
    return new Workload(seed, openings, plans);
  }

  long totalMoney() {
    return openings.values().stream().mapToLong(Long::longValue).sum();
  }

  long count(Kind kind) {
    return plans.stream().filter(p -> p.kind() == kind).count();
  }

  private static String pick(SplittableRandom random, List<String> accounts) {
    return accounts.get(random.nextInt(accounts.size()));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
