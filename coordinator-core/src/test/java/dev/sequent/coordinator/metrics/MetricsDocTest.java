package dev.sequent.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sequent.client.Branch;
import dev.sequent.client.Decision;
import dev.sequent.client.TccClient;
import dev.sequent.protocol.Outcome;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md lists every metric a coordinator registers, with its type and tags and the
 * name Prometheus shows. A one-node cluster with a participant registers them all (the
 * dispatcher's only once it serves a participant); this test fails when one is missing from the
 * table, is listed with another type, tags or Prometheus name, or is listed and never registered.
 * The client's meters, registered here by a client sharing the registry, are checked the same way
 * when they are registered.
 */
class MetricsDocTest {
  @TempDir Path dir;

  /** One row of the table: name, Prometheus name, type, tag keys. */
  record Row(String name, String prometheus, String type, Set<String> tags) {}

  @Test
  void everyRegisteredMetricIsDocumentedAsItIs() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MetricsCluster env = new MetricsCluster(1, dir, registry, false);
        TccClient client = TccClient.builder().seeds(env.cluster.clientAddresses())
            .operationTimeoutMs(30_000).meterRegistry(registry).build()) {
      String xid = TccClient.newXid();
      Branch branch = new Branch("b", MetricsCluster.PARTICIPANT, new byte[] {1});
      assertEquals(Outcome.OK, client.blocking().begin(xid, 60_000, List.of(branch)).outcome());
      assertEquals(Outcome.OK, client.blocking().decide(xid, Decision.CANCEL).outcome());
      env.awaitFinal(xid, 30_000);
      check(registry, rows(Files.readString(docPath(), StandardCharsets.UTF_8)));
    }
  }

  private static void check(PrometheusMeterRegistry registry, Map<String, Row> rows) {
    Map<String, Row> registered = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      String name = meter.getId().getName();
      if (name.startsWith("sequent.")) {
        Set<String> tags = meter.getId().getTags().stream().map(Tag::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
        registered.put(name, new Row(name, "?", type(meter), tags));
      }
    }
    List<String> problems = new ArrayList<>();
    for (Row meter : registered.values()) {
      Row row = rows.get(meter.name());
      if (row == null) {
        problems.add("not in docs/metrics.md: " + meter);
      } else if (!row.type().equals(meter.type()) || !row.tags().equals(meter.tags())) {
        problems.add("documented as " + row + " but registered as " + meter);
      }
    }
    String scrape = registry.scrape();
    for (Row row : rows.values()) {
      // The client's meters and the participant's try timer appear on first use; this test
      // makes no try, so they are checked only when present (EndpointMetricsTest covers tries).
      boolean onUse = row.name().startsWith("sequent.client.")
          || row.name().equals("sequent.participant.tries");
      if (!onUse && !registered.containsKey(row.name())) {
        problems.add("documented but never registered: " + row.name());
      }
      if (registered.containsKey(row.name()) && !served(scrape, row.prometheus())) {
        problems.add("Prometheus shows no " + row.prometheus() + " for " + row.name());
      }
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
    assertTrue(registered.keySet().stream().anyMatch(n -> n.startsWith("sequent.dispatch.")),
        "the dispatcher's meters were registered: the check covered them");
  }

  /** True when the scrape has samples of this name (alone, or a histogram's or summary's). */
  private static boolean served(String scrape, String prometheus) {
    for (String suffix : List.of("{", " ", "_count{", "_bucket{")) {
      if (scrape.contains("\n" + prometheus + suffix) || scrape.startsWith(prometheus + suffix)) {
        return true;
      }
    }
    return false;
  }

  private static String type(Meter meter) {
    return switch (meter.getId().getType()) {
      case COUNTER -> "counter";
      case GAUGE -> "gauge";
      case TIMER -> "timer";
      case DISTRIBUTION_SUMMARY -> "summary";
      default -> meter.getId().getType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** The table rows: lines starting "| `sequent." with name, Prometheus name, type, tags. */
  static Map<String, Row> rows(String doc) {
    Map<String, Row> rows = new TreeMap<>();
    for (String line : doc.split("\n")) {
      if (!line.startsWith("| `sequent.")) {
        continue;
      }
      String[] cells = line.split("\\|");
      assertTrue(cells.length >= 6, "a row needs name, Prometheus name, type, tags, meaning: "
          + line);
      Set<String> tags = Arrays.stream(cells[4].split(","))
          .map(MetricsDocTest::unquote).filter(t -> !t.isEmpty())
          .collect(Collectors.toCollection(TreeSet::new));
      Row row = new Row(unquote(cells[1]), unquote(cells[2]), cells[3].trim(), tags);
      assertTrue(rows.put(row.name(), row) == null, "listed twice: " + row.name());
    }
    assertTrue(rows.size() > 10, "docs/metrics.md has too few rows: " + rows.keySet());
    return rows;
  }

  private static String unquote(String cell) {
    return cell.trim().replace("`", "");
  }

  /** docs/metrics.md at the repository root, found from the module directory upwards. */
  static Path docPath() {
    Path here = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path doc = p.resolve("docs").resolve("metrics.md");
      if (Files.isRegularFile(doc)) {
        return doc;
      }
    }
    throw new AssertionError("no docs/metrics.md above " + here);
  }
}
