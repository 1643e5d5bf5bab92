package dev.sequent.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The failover report: how long completions stopped after the leader was killed. */
final class Failover {
  private Failover() {}

  static Map<String, Object> report(LoadRun load, String killedLeader) {
    Map<Long, Integer> timeline = load.timeline();
    long killedAtMs = load.killedAtMs();
    long killBucket = killedAtMs / LoadRun.BUCKET_MS;
    // The rate before the kill: the 3 s before it.
    double before = 0;
    int beforeBuckets = 0;
    for (long b = killBucket - 30; b < killBucket; b++) {
      before += timeline.getOrDefault(b, 0);
      beforeBuckets++;
    }
    double ratePerBucket = beforeBuckets == 0 ? 0 : before / beforeBuckets;
    // Longest run of empty buckets after the kill; and from the kill, how long until the rate
    // was back to half of what it was, after it first fell below half (0: it never fell).
    long stallBuckets = 0;
    long run = 0;
    long dipBucket = -1;
    long backAtBucket = -1;
    long last = timeline.keySet().stream().max(Long::compare).orElse(killBucket);
    for (long b = killBucket; b <= last; b++) {
      int count = timeline.getOrDefault(b, 0);
      run = count == 0 ? run + 1 : 0;
      stallBuckets = Math.max(stallBuckets, run);
      if (dipBucket < 0 && count < ratePerBucket / 2) {
        dipBucket = b;
      } else if (dipBucket >= 0 && backAtBucket < 0 && count >= ratePerBucket / 2) {
        backAtBucket = b;
      }
    }
    long backMs = dipBucket < 0 ? 0
        : backAtBucket < 0 ? -1 : (backAtBucket - killBucket) * LoadRun.BUCKET_MS;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("killedLeader", killedLeader);
    json.put("killedAtMs", killedAtMs);
    json.put("longestStallMs", stallBuckets * LoadRun.BUCKET_MS);
    json.put("backToHalfRateMs", backMs);
    json.put("completionsPer100msBefore", Bench.round(ratePerBucket, 1));
    json.put("txnsFailed", load.failed());
    json.put("txnsFailedBegunWithin10sOfKill", load.failedNearKill());
    json.put("latencyMaxMs", load.whole.summaryMs().get("max"));
    Map<String, Object> around = new LinkedHashMap<>();
    for (long b = killBucket - 10; b <= killBucket + 60; b++) {
      around.put(String.valueOf((b - killBucket) * LoadRun.BUCKET_MS),
          timeline.getOrDefault(b, 0));
    }
    json.put("completionsPer100msAroundKill", around);
    return json;
  }
}
