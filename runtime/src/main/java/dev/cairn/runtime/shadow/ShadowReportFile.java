package dev.cairn.runtime.shadow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes a live shadow's report to {@value #FILE_NAME} every interval, for {@code cairn
 * shadow-report} in another process. Format: {@code docs/formats/shadow-report.md}.
 *
 * <p>Design: the statistics file's (decision 0019, {@code StatisticsFile}), for the same reason:
 * the store's directory is locked by the process that holds it, so that process publishes. The file
 * is replaced by a rename, never synced (figures, not data), carries the writer's pid and the time
 * it was written so a reader can tell a stale one, and is removed on close. One daemon thread
 * writes it and never dies of a failure: a failed write is logged once and retried at the next
 * interval.
 *
 * <p>Thread-safe.
 */
final class ShadowReportFile implements AutoCloseable {

  static final String FILE_NAME = "CAIRN-SHADOW.json";

  /** The file format's version; {@code docs/formats/shadow-report.md}. */
  static final int VERSION = 1;

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime.shadow");

  private final Path file;
  private final Path temp;
  private final Supplier<ShadowReport> report;
  private final Duration interval;
  private final ScheduledExecutorService writer;
  private volatile boolean warned;

  private ShadowReportFile(Path directory, Supplier<ShadowReport> report, Duration interval) {
    this.file = directory.resolve(FILE_NAME);
    this.temp = directory.resolve(FILE_NAME + ".tmp");
    this.report = report;
    this.interval = interval;
    this.writer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-shadow-report " + directory);
              t.setDaemon(true);
              return t;
            });
  }

  static ShadowReportFile start(Path directory, Supplier<ShadowReport> report, Duration interval) {
    ShadowReportFile f = new ShadowReportFile(directory, report, interval);
    f.writer.scheduleWithFixedDelay(
        f::writeQuietly, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    return f;
  }

  private void writeQuietly() {
    try {
      Files.writeString(temp, render(report.get(), interval), StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (Throwable t) { // NB: a scheduled task that throws is never run again
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
      if (!warned) {
        warned = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "cannot write " + file + "; retrying every " + interval + ", not logged again",
            t);
      }
    }
  }

  /** The report as the file's JSON object. */
  static String render(ShadowReport r, Duration interval) {
    long now = System.currentTimeMillis();
    StringBuilder b = new StringBuilder(2048);
    b.append("{\n  \"format\": \"cairn-shadow-report\",\n  \"version\": ").append(VERSION);
    field(b, "shadow", r.name());
    field(b, "primary", r.primary());
    field(b, "candidate", r.candidate());
    b.append(",\n  \"pid\": ").append(ProcessHandle.current().pid());
    field(b, "started", r.started().toString());
    field(b, "written", java.time.Instant.ofEpochMilli(now).toString());
    b.append(",\n  \"writtenMillis\": ").append(now);
    b.append(",\n  \"intervalMillis\": ").append(interval.toMillis());
    b.append(",\n  \"sampleRate\": ").append(r.sampleRate());
    b.append(",\n  \"writes\": {\"acknowledged\": ").append(r.writes());
    b.append(", \"mirrored\": ").append(r.writesMirrored());
    b.append(", \"dropped\": ").append(r.writesDropped());
    b.append(", \"failed\": ").append(r.writesFailed()).append('}');
    b.append(",\n  \"reads\": {\"sampled\": ").append(r.readsSampled());
    b.append(", \"compared\": ").append(r.readsCompared());
    b.append(", \"mismatches\": ").append(r.mismatches());
    b.append(", \"skipped\": ").append(r.readsSkipped());
    b.append(", \"dropped\": ").append(r.readsDropped());
    b.append(", \"failed\": ").append(r.readsFailed()).append('}');
    b.append(",\n  \"candidateSlower\": ").append(r.candidateSlower());
    b.append(",\n  \"slowerByNanos\": ").append(r.slowerByNanos());
    b.append(",\n  \"queue\": {\"queued\": ").append(r.queued());
    b.append(", \"capacity\": ").append(r.queueCapacity()).append('}');
    field(b, "mirror", r.mirrorState());
    b.append(",\n  \"latency\": {");
    latency(b, "primaryReads", r.primaryReads(), "");
    latency(b, "candidateReads", r.candidateReads(), ", ");
    latency(b, "primaryWrites", r.primaryWrites(), ", ");
    latency(b, "candidateWrites", r.candidateWrites(), ", ");
    b.append("}");
    b.append(",\n  \"examples\": [");
    String sep = "\n    ";
    for (ShadowReport.Mismatch m : r.examples()) {
      b.append(sep).append("{\"keyspace\": ");
      string(b, m.keyspace());
      b.append(", \"key\": ");
      string(b, m.keyHex());
      b.append(", \"keyLength\": ").append(m.keyLength());
      b.append(", \"kind\": ");
      string(b, m.kind().name().toLowerCase(Locale.ROOT));
      b.append(", \"primaryLength\": ").append(m.primaryLength());
      b.append(", \"candidateLength\": ").append(m.candidateLength());
      b.append(", \"at\": ");
      string(b, m.at().toString());
      b.append('}');
      sep = ",\n    ";
    }
    b.append(r.examples().isEmpty() ? "]" : "\n  ]");
    b.append(",\n  \"failures\": [");
    sep = "\n    ";
    for (String f : r.failures()) {
      b.append(sep);
      string(b, f);
      sep = ",\n    ";
    }
    b.append(r.failures().isEmpty() ? "]" : "\n  ]");
    b.append("\n}\n");
    return b.toString();
  }

  private static void latency(StringBuilder b, String name, ShadowReport.Latency l, String sep) {
    b.append(sep);
    string(b, name);
    b.append(": {\"count\": ").append(l.count());
    b.append(", \"meanNanos\": ").append(l.meanNanos());
    b.append(", \"p50Nanos\": ").append(l.p50Nanos());
    b.append(", \"p99Nanos\": ").append(l.p99Nanos());
    b.append(", \"p999Nanos\": ").append(l.p999Nanos());
    b.append(", \"maxNanos\": ").append(l.maxNanos()).append('}');
  }

  private static void field(StringBuilder b, String name, String value) {
    b.append(",\n  ");
    string(b, name);
    b.append(": ");
    string(b, value);
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** Stops writing and removes the file. */
  @Override
  public void close() {
    writer.shutdown(); // NB: not shutdownNow: an interrupt must never reach an engine's I/O
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "the writer of " + file + " did not stop in 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove " + file, e);
    }
  }
}
