package dev.sequent.coordinator.table;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keyspaces of the table and the layout of their keys. Keys sort as unsigned bytes, so numbers
 * are big-endian and non-negative, and the key layouts are chosen for the scans the table makes.
 *
 * <ul>
 *   <li>{@value #TXN}: xid -> txn record. Scans in xid order page the admin list.
 *   <li>{@value #TXN_DEADLINE}: deadline (8 bytes) + xid -> empty, for TRYING txns only; expiry
 *       scans it from the start, earliest deadline first.
 *   <li>{@value #PARTICIPANT}: participant -> last assigned seq and watermark.
 *   <li>{@value #PHASE2_CALL}: len(participant) (1 byte) + participant + seq (8 bytes) -> xid,
 *       branch id, decision, for calls above the participant's watermark. The length prefix keeps
 *       one participant's keys from interleaving with a longer name's that shares its prefix.
 *   <li>{@value #ENDPOINT}: participant -> the host and port it last announced.
 *   <li>{@value #META}: fixed names -> cluster time and the count of TRYING txns.
 * </ul>
 */
final class TableKeys {

  static final String TXN = "txn";
  static final String TXN_DEADLINE = "txn_deadline";
  static final String PARTICIPANT = "participant";
  static final String PHASE2_CALL = "phase2_call";
  static final String ENDPOINT = "participant_endpoint";
  static final String META = "table_meta";

  /** In name order: Set.of would iterate differently from one JVM run to the next. */
  static final Set<String> ALL = Collections.unmodifiableSortedSet(
      new TreeSet<>(List.of(TXN, TXN_DEADLINE, PARTICIPANT, PHASE2_CALL, ENDPOINT, META)));

  static final byte[] CLUSTER_TIME_MS = ascii("cluster_time_ms");
  static final byte[] ACTIVE_TXNS = ascii("active_txns");

  private TableKeys() {}

  static byte[] txn(String xid) {
    return utf8(xid);
  }

  /** The smallest txn key after xid: where the next page of a list starts. */
  static byte[] txnAfter(String xid) {
    byte[] key = utf8(xid);
    return Arrays.copyOf(key, key.length + 1);
  }

  static byte[] deadline(long deadlineMs, String xid) {
    byte[] id = utf8(xid);
    return ByteBuffer.allocate(8 + id.length).putLong(deadlineMs).put(id).array();
  }

  static long deadlineOf(byte[] key) {
    requireLength(key, 8);
    return ByteBuffer.wrap(key).getLong();
  }

  static String xidOfDeadline(byte[] key) {
    requireLength(key, 8);
    return new String(key, 8, key.length - 8, StandardCharsets.UTF_8);
  }

  static byte[] participant(String participant) {
    return utf8(participant);
  }

  static String participantOf(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  static byte[] endpoint(String participant) {
    return utf8(participant);
  }

  /** The prefix of all phase-2 keys of a participant, or null for a name too long to have any. */
  static byte[] phase2Prefix(String participant) {
    byte[] name = utf8(participant);
    if (name.length > TableLimits.ID_BYTES_CEILING) {
      return null;
    }
    byte[] prefix = Arrays.copyOf(new byte[] {(byte) name.length}, 1 + name.length);
    System.arraycopy(name, 0, prefix, 1, name.length);
    return prefix;
  }

  static byte[] phase2(byte[] prefix, long seq) {
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seq).array();
  }

  static long seqOfPhase2(byte[] key) {
    requireLength(key, 9);
    return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
  }

  private static void requireLength(byte[] key, int min) {
    if (key.length < min) {
      throw new IllegalStateException("corrupt index key of " + key.length + " bytes");
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.US_ASCII);
  }
}
