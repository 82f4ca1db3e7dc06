package dev.cairn.examples.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.spi.StorageEngine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/observability.md's Prometheus scrape, done as the page does it: a store opened with
 * Micrometer's Prometheus registry, a few writes, and a scrape whose text holds the store's gauges
 * ({@code cairn_store_...}) and the runtime's timers. The page's code block is this test's, checked
 * word for word below, so the page cannot drift from what runs.
 */
class PrometheusScrapeExampleTest {

  @TempDir Path dir;

  @Test
  void aScrapeOfTheApplicationsRegistryShowsTheStoresMeters() throws Exception {
    Path directory = dir.resolve("orders");
    String scrape;
    // --- docs/observability.md, "Prometheus" ---
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (StorageEngine store =
        Cairn.store(directory)
            .engine("rocksdb")
            .meterRegistry(prometheus)
            .storeName("orders")
            .open()) {
      store.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
      scrape = prometheus.scrape(); // what GET /metrics answers, in Prometheus' text format
    }
    // --- end ---

    Files.writeString(Path.of("target", "prometheus-scrape.txt"), scrape); // to read, not checked
    List<String> lines = scrape.lines().toList();
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith(
                        "cairn_store_approximate_keys{engine=\"rocksdb\",store=\"orders\"}")),
        scrape);
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("cairn_store_disk_bytes{engine=\"rocksdb\"")),
        scrape);
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("cairn_store_checksum_failures_total{")), scrape);
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith(
                        "cairn_operation_seconds_count{engine=\"rocksdb\",op=\"put\",outcome=\"success\"} 1")),
        scrape);
    long storeGauges = lines.stream().filter(l -> l.startsWith("cairn_store_")).count();
    assertTrue(storeGauges >= 5, scrape);
    // Closed: the store's own meters are gone from the registry.
    assertEquals(
        List.of(),
        prometheus.scrape().lines().filter(l -> l.contains("store=\"orders\"")).toList());

    String page = Files.readString(docs().resolve("observability.md"));
    for (String line :
        List.of(
            "PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);",
            "Cairn.store(directory).engine(\"rocksdb\").meterRegistry(prometheus).storeName(\"orders\").open()) {",
            "scrape = prometheus.scrape(); // what GET /metrics answers, in Prometheus' text format")) {
      assertTrue(page.contains(line), "docs/observability.md shows: " + line);
    }
  }

  private static Path docs() {
    return Path.of(System.getProperty("cairn.readme", "../../README.md"))
        .getParent()
        .resolve("docs");
  }
}
