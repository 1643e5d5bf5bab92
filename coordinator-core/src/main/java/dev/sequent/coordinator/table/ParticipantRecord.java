package dev.sequent.coordinator.table;

/**
 * A participant's phase-2 counters: the last seq assigned to it and its watermark (the highest seq
 * it acknowledged). Always 0 <= watermark <= lastSeq.
 */
record ParticipantRecord(long lastSeq, long watermark) {

  static final ParticipantRecord NONE = new ParticipantRecord(0, 0);

  ParticipantRecord {
    if (watermark < 0 || watermark > lastSeq) {
      throw new IllegalStateException(
          "participant counters broken: lastSeq " + lastSeq + ", watermark " + watermark);
    }
  }

  ParticipantRecord withLastSeq(long seq) {
    if (seq != lastSeq + 1) {
      throw new IllegalStateException("seq " + seq + " does not follow " + lastSeq);
    }
    return new ParticipantRecord(seq, watermark);
  }

  ParticipantRecord withWatermark(long seq) {
    if (seq <= watermark) {
      throw new IllegalStateException("watermark " + seq + " does not advance " + watermark);
    }
    return new ParticipantRecord(lastSeq, seq);
  }
}
