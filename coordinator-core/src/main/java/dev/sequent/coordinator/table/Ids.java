package dev.sequent.coordinator.table;

/**
 * Validation of xids, branch ids and participant names. Ids are 1 to max characters of printable,
 * non-space ASCII (0x21-0x7E): they appear in keys, logs, metrics and admin URLs, so they must be
 * unambiguous and safe to print; loosening the rule later stays compatible, tightening would not.
 */
final class Ids {

  private Ids() {}

  /** Null when id is valid, otherwise why not (the detail of an INVALID_ARGUMENT result). */
  static String problem(String what, String id, int bytesMax) {
    if (id.isEmpty()) {
      return what + " is empty";
    }
    if (id.length() > bytesMax) {
      return what + " is longer than " + bytesMax + " bytes";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return what + " has a character outside printable ASCII at index " + i;
      }
    }
    return null;
  }
}
