package dev.sequent.storage;

import java.util.Arrays;

/** Helpers for the unsigned lexicographic key order every store uses. */
public final class Keys {

  private Keys() {}

  /** Compares two keys as unsigned bytes, lexicographically. */
  public static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /**
   * The smallest key greater than every key starting with prefix, or null when there is none (the
   * prefix is empty or all 0xFF bytes): the exclusive end of a prefix scan.
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }
}
