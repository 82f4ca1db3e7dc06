package dev.cairn.engine.hash;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one open of a damaged store showed: whether it opened, what every key read, what a full
 * cursor yielded, and what the consistency check said. Everything thrown is kept, to be judged.
 */
final class Observation {

  /**
   * One key's read.
   *
   * @param value the value (null: absent), when the read returned
   * @param error what the read threw, or null
   */
  record Read(byte[] value, RuntimeException error) {}

  final String phase;
  Throwable openFailure;
  final Map<String, Read> reads = new LinkedHashMap<>();
  RuntimeException cursorFailure;
  final Map<String, byte[]> cursor = new LinkedHashMap<>();
  final List<String> cursorDuplicates = new ArrayList<>();
  ConsistencyReport report;
  RuntimeException checkFailure;
  Throwable closeFailure;
  RuntimeException backgroundFailure;

  private Observation(String phase) {
    this.phase = phase;
  }

  /**
   * Opens a store with {@code opener}, reads every key of {@code keys}, runs a cursor to its end
   * and the consistency check, and closes it. {@code afterOpen} runs first (background work, say).
   */
  static Observation of(
      String phase,
      Supplier<? extends StorageEngine> opener,
      List<String> keys,
      java.util.function.Consumer<StorageEngine> afterOpen) {
    Observation o = new Observation(phase);
    StorageEngine engine;
    try {
      engine = opener.get();
    } catch (RuntimeException | Error e) {
      o.openFailure = e;
      return o;
    }
    try {
      try {
        afterOpen.accept(engine);
      } catch (RuntimeException e) {
        o.backgroundFailure = e;
      }
      for (String k : keys) {
        try {
          o.reads.put(k, new Read(engine.get(FuzzHistory.bytes(k)), null));
        } catch (RuntimeException e) {
          o.reads.put(k, new Read(null, e));
        }
      }
      try (Cursor c = engine.cursor()) {
        while (c.next()) {
          String k = new String(c.key(), StandardCharsets.UTF_8);
          if (o.cursor.put(k, c.value()) != null) {
            o.cursorDuplicates.add(k);
          }
        }
      } catch (RuntimeException e) {
        o.cursorFailure = e;
      }
      try {
        o.report = engine.checkConsistency();
      } catch (RuntimeException e) {
        o.checkFailure = e;
      }
    } finally {
      try {
        engine.close();
      } catch (RuntimeException | Error e) {
        o.closeFailure = e;
      }
    }
    return o;
  }

  boolean opened() {
    return openFailure == null;
  }

  /** A summary for a replayed trial's output. */
  String summary() {
    if (!opened()) {
      return phase + ": open threw " + openFailure;
    }
    long threw = reads.values().stream().filter(r -> r.error() != null).count();
    return phase
        + ": opened; "
        + reads.size()
        + " reads, "
        + threw
        + " threw"
        + (cursorFailure == null
            ? "; cursor yielded " + cursor.size()
            : "; cursor threw " + cursorFailure)
        + (checkFailure != null
            ? "; check threw " + checkFailure
            : "; check: " + (report.isConsistent() ? "consistent" : report.problems()));
  }
}
