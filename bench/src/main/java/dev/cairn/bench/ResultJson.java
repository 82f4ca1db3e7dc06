package dev.cairn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link BenchReport} as JSON: every figure, latencies in nanoseconds, sizes in bytes,
 * throughput in operations per second; a number that is not known is {@code null}. Stateless and
 * thread-safe.
 *
 * <p>Shape: {@code {"format": "cairn-bench/3", "interrupted": b, "config": {...}, "machine": {...},
 * "targets": [...], "loads": [...], "runs": [...], "notApplicable": [...], "cells": [...],
 * "peakResidentBytes": n, "wallNanos": n}}, one object per target, load, run, not applicable
 * workload and cell with the record's component names as keys. {@code loads} and {@code runs} hold
 * every round's figures, each with its {@code round}; {@code cells} sums them up per workload and
 * target as the table does (median and min–max over the rounds). docs/benchmarks.md describes each
 * version: 2 added {@code config.cacheBytes} (null when every store kept its own default), {@code
 * targets[].memory} and {@code loads[].endMemoryBytes}; 3 added {@code config.repeat}, {@code
 * interrupted}, {@code round}, {@code notApplicable} and {@code cells}; 4 added {@code
 * config.settings} (an object, setting name to value) and {@code targets[].settings}; 5 added
 * {@code config.timeline}, {@code config.readRate}, {@code config.burstMillis}, {@code
 * config.burstEveryMillis}, and per run {@code phases}, {@code note} and {@code timeline} (null
 * when none was recorded).
 */
public final class ResultJson {

  /** The value of the top-level {@code "format"} key; changes when the shape does. */
  public static final String FORMAT = "cairn-bench/5";

  private ResultJson() {}

  /**
   * Writes {@code report} to {@code file}, replacing it.
   *
   * @throws IOException if the file cannot be written
   */
  public static void write(BenchReport report, Path file) throws IOException {
    Files.writeString(file, toJson(report), StandardCharsets.UTF_8);
  }

  /** The report as JSON text. */
  public static String toJson(BenchReport r) {
    StringBuilder b = new StringBuilder(4096);
    BenchConfig c = r.config();
    Machine m = r.machine();
    b.append("{\n  \"format\": ").append(str(FORMAT)).append(",\n");
    b.append("  ").append(field("interrupted", r.interrupted())).append(",\n");
    b.append("  \"config\": {")
        .append(field("targets", strings(c.targets())))
        .append(", ")
        .append(field("workloads", strings(c.workloads().stream().map(Workload::id).toList())))
        .append(", ")
        .append(field("records", c.records()))
        .append(", ")
        .append(field("operations", c.operations()))
        .append(", ")
        .append(field("threads", c.threads()))
        .append(", ")
        .append(field("keySize", c.keySize()))
        .append(", ")
        .append(field("valueSize", c.valueSize()))
        .append(", ")
        .append(field("durability", str(c.durability().name())))
        .append(", ")
        .append(field("seed", c.seed()))
        .append(", ")
        .append(field("warmupOperations", c.warmupOperations()))
        .append(", ")
        .append(field("syncOperations", c.syncOperations()))
        .append(", ")
        .append(field("syncWriters", c.syncWriters()))
        .append(", ")
        .append(field("cacheBytes", c.cacheBytes() < 0 ? "null" : c.cacheBytes()))
        .append(", ")
        .append(field("repeat", c.repeat()))
        .append(", ")
        .append(field("settings", settingsJson(c.settings())))
        .append(", ")
        .append(field("timeline", c.timeline()))
        .append(", ")
        .append(field("readRate", c.readRate()))
        .append(", ")
        .append(field("burstMillis", c.burstMillis()))
        .append(", ")
        .append(field("burstEveryMillis", c.burstEveryMillis()))
        .append("},\n");
    b.append("  \"machine\": {")
        .append(field("cpu", str(m.cpu())))
        .append(", ")
        .append(field("cores", m.cores()))
        .append(", ")
        .append(field("memoryBytes", m.memoryBytes()))
        .append(", ")
        .append(field("os", str(m.os())))
        .append(", ")
        .append(field("java", str(m.java())))
        .append(", ")
        .append(field("maxHeapBytes", m.maxHeapBytes()))
        .append(", ")
        .append(field("loadAverage", num(m.loadAverage())))
        .append("},\n");
    b.append("  \"targets\": [");
    list(
        b,
        r.targets(),
        t ->
            field("name", str(t.name()))
                + ", "
                + field("kind", str(t.kind()))
                + ", "
                + field("version", str(t.version()))
                + ", "
                + field("durability", str(t.durability()))
                + ", "
                + field("memory", str(t.memory()))
                + ", "
                + field("settings", str(t.settings())));
    b.append("],\n  \"loads\": [");
    list(
        b,
        r.loads(),
        l ->
            field("target", str(l.target()))
                + ", "
                + field("round", l.round())
                + ", "
                + field("records", l.records())
                + ", "
                + field("durationNanos", l.durationNanos())
                + ", "
                + field("opsPerSecond", num(l.opsPerSecond()))
                + ", "
                + field("diskBytes", l.diskBytes())
                + ", "
                + field("spaceAmplification", num(l.spaceAmplification()))
                + ", "
                + field("memoryBytes", l.memoryBytes())
                + ", "
                + field("indexBytesPerKey", num(l.indexBytesPerKey()))
                + ", "
                + field("reopenNanos", l.reopenNanos() < 0 ? "null" : l.reopenNanos())
                + ", "
                + field("reopenKeys", l.reopenKeys() < 0 ? "null" : l.reopenKeys())
                + ", "
                + field("endMemoryBytes", l.endMemoryBytes() < 0 ? "null" : l.endMemoryBytes()));
    b.append("],\n  \"runs\": [");
    list(
        b,
        r.runs(),
        x ->
            field("workload", str(x.workload()))
                + ", "
                + field("target", str(x.target()))
                + ", "
                + field("round", x.round())
                + ", "
                + field("threads", x.threads())
                + ", "
                + field("operations", x.operations())
                + ", "
                + field("durationNanos", x.durationNanos())
                + ", "
                + field("opsPerSecond", num(x.opsPerSecond()))
                + ", "
                + field("meanNanos", num(x.meanNanos()))
                + ", "
                + field("p50Nanos", x.p50Nanos())
                + ", "
                + field("p99Nanos", x.p99Nanos())
                + ", "
                + field("p999Nanos", x.p999Nanos())
                + ", "
                + field("maxNanos", x.maxNanos())
                + ", "
                + field("found", x.found())
                + ", "
                + field("diskBytes", x.diskBytes())
                + ", "
                + field("phases", phases(x.phases()))
                + ", "
                + field("note", x.note() == null ? "null" : str(x.note()))
                + ", "
                + field("timeline", x.timeline() == null ? "null" : timeline(x.timeline())));
    b.append("],\n  \"notApplicable\": [");
    list(
        b,
        r.notApplicable(),
        n ->
            field("workload", str(n.workload()))
                + ", "
                + field("target", str(n.target()))
                + ", "
                + field("reason", str(n.reason())));
    b.append("],\n  \"cells\": [");
    list(
        b,
        r.cells(),
        x ->
            field("workload", str(x.workload()))
                + ", "
                + field("target", str(x.target()))
                + ", "
                + field("status", str(x.status().name().toLowerCase(Locale.ROOT)))
                + ", "
                + field("reason", x.reason() == null ? "null" : str(x.reason()))
                + ", "
                + field("rounds", x.rounds().size())
                + ", "
                + field("opsPerSecond", num(x.opsPerSecond()))
                + ", "
                + field("minOpsPerSecond", num(x.minOpsPerSecond()))
                + ", "
                + field("maxOpsPerSecond", num(x.maxOpsPerSecond()))
                + ", "
                + field("spread", num(x.spread()))
                + ", "
                + field("wideSpread", x.wideSpread())
                + ", "
                + field("p50Nanos", measured(x, x.p50Nanos()))
                + ", "
                + field("p99Nanos", measured(x, x.p99Nanos()))
                + ", "
                + field("p999Nanos", measured(x, x.p999Nanos()))
                + ", "
                + field("maxNanos", measured(x, x.maxNanos())));
    b.append("],\n  ")
        .append(field("peakResidentBytes", r.peakResidentBytes()))
        .append(",\n  ")
        .append(field("wallNanos", r.wallNanos()))
        .append("\n}\n");
    return b.toString();
  }

  private static <T> void list(
      StringBuilder b, List<T> items, java.util.function.Function<T, String> fields) {
    for (int i = 0; i < items.size(); i++) {
      b.append(i == 0 ? "\n    {" : ",\n    {").append(fields.apply(items.get(i))).append('}');
    }
    if (!items.isEmpty()) {
      b.append("\n  ");
    }
  }

  private static String phases(List<RunResult.Phase> phases) {
    StringBuilder b = new StringBuilder("[");
    for (RunResult.Phase p : phases) {
      b.append(b.length() == 1 ? "" : ", ")
          .append('{')
          .append(field("name", str(p.name())))
          .append(", ")
          .append(field("operations", p.operations()))
          .append(", ")
          .append(field("meanNanos", num(p.meanNanos())))
          .append(", ")
          .append(field("p50Nanos", p.p50Nanos()))
          .append(", ")
          .append(field("p99Nanos", p.p99Nanos()))
          .append(", ")
          .append(field("maxNanos", p.maxNanos()))
          .append('}');
    }
    return b.append(']').toString();
  }

  /** One line per second, so that a long run's timeline stays readable. */
  private static String timeline(List<Timeline.Interval> intervals) {
    StringBuilder b = new StringBuilder("[");
    for (Timeline.Interval i : intervals) {
      b.append(b.length() == 1 ? "\n      " : ",\n      ")
          .append('{')
          .append(field("second", i.second()))
          .append(", ")
          .append(field("nanos", i.nanos()))
          .append(", ")
          .append(field("operations", i.operations()))
          .append(", ")
          .append(field("opsPerSecond", num(i.opsPerSecond())))
          .append(", ")
          .append(field("p50Nanos", i.p50Nanos()))
          .append(", ")
          .append(field("p99Nanos", i.p99Nanos()))
          .append(", ")
          .append(field("maxNanos", i.maxNanos()))
          .append(", ")
          .append(field("writes", i.writes()))
          .append(", ")
          .append(field("stalls", i.stalls() < 0 ? "null" : i.stalls()))
          .append(", ")
          .append(field("pendingBytes", i.pendingBytes() < 0 ? "null" : i.pendingBytes()))
          .append(", ")
          .append(field("burst", i.burst()))
          .append(", ")
          .append(field("stall", i.stall() == null ? "null" : str(i.stall())))
          .append('}');
    }
    return b.append(intervals.isEmpty() ? "]" : "\n    ]").toString();
  }

  private static String measured(Cell c, long nanos) {
    return c.status() == Cell.Status.MEASURED ? Long.toString(nanos) : "null";
  }

  private static String field(String name, Object value) {
    return str(name) + ": " + value;
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
  }

  private static String strings(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(str(values.get(i)));
    }
    return b.append(']').toString();
  }

  private static String settingsJson(Map<String, String> settings) {
    StringBuilder b = new StringBuilder("{");
    settings.forEach((k, v) -> b.append(b.length() == 1 ? "" : ", ").append(field(k, str(v))));
    return b.append('}').toString();
  }

  /** A JSON string literal. */
  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
