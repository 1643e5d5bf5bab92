package dev.sequent.examples.bank;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One bank's half of a transfer, as the branch payload both the try and the phase-2 call carry:
 * {@code "DEBIT eu-007 250"} or {@code "CREDIT us-003 250"}. Plain text, so a person reading the
 * coordinator's admin output can tell what a branch does.
 *
 * @param direction money out of (DEBIT) or into (CREDIT) the account
 * @param account the account id
 * @param amount a positive amount
 */
public record Leg(Direction direction, String account, long amount) {
  static final int TEXT_CHARS_MAX = 200;

  /** Which way the money moves for this bank. */
  public enum Direction {
    DEBIT,
    CREDIT
  }

  public Leg {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(account, "account");
    if (account.isBlank() || account.contains(" ")) {
      throw new IllegalArgumentException("invalid account id '" + account + "'");
    }
    if (amount <= 0) {
      throw new IllegalArgumentException("an amount must be positive, was " + amount);
    }
  }

  public static Leg debit(String account, long amount) {
    return new Leg(Direction.DEBIT, account, amount);
  }

  public static Leg credit(String account, long amount) {
    return new Leg(Direction.CREDIT, account, amount);
  }

  /** The payload bytes. */
  public byte[] toBytes() {
    return (direction + " " + account + " " + amount).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a payload written by {@link #toBytes()}.
   *
   * @throws IllegalArgumentException when the payload is not a leg
   */
  public static Leg parse(byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8);
    String[] parts = text.split(" ");
    if (text.length() > TEXT_CHARS_MAX || parts.length != 3) {
      throw new IllegalArgumentException("not a transfer leg: '" + shorten(text) + "'");
    }
    try {
      return new Leg(Direction.valueOf(parts[0]), parts[1], Long.parseLong(parts[2]));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new IllegalArgumentException("not a transfer leg: '" + shorten(text) + "'", e);
    }
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }
}
