package dev.cairn.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What engines log while a test injects a fault, held back from the build log: an engine that
 * reports the failures a power cut causes (through {@link System.Logger}, whose default backend is
 * {@code java.util.logging}) is doing its job, and its stack traces are expected. The records are
 * kept for the test's failure messages.
 *
 * <p>While open, it replaces the root logger's handlers; closing restores them. Not thread-safe to
 * open from two tests at once (the suite runs its tests one at a time); records from any thread are
 * captured.
 */
final class EngineLogs implements AutoCloseable {

  private final Logger root = Logger.getLogger("");
  private final Handler[] saved;
  private final List<String> records = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (records) {
            records.add(
                r.getLevel()
                    + " "
                    + r.getLoggerName()
                    + ": "
                    + r.getMessage()
                    + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")"));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private EngineLogs() {
    saved = root.getHandlers();
    for (Handler h : saved) {
      root.removeHandler(h);
    }
    root.addHandler(capture);
  }

  /** Starts capturing. */
  static EngineLogs capture() {
    return new EngineLogs();
  }

  /** What was logged so far, one line a record, for failure messages. */
  String text() {
    synchronized (records) {
      return records.isEmpty() ? "(nothing logged)" : String.join("\n  ", records);
    }
  }

  /** Stops capturing and restores the root logger's handlers. */
  @Override
  public void close() {
    root.removeHandler(capture);
    for (Handler h : saved) {
      root.addHandler(h);
    }
  }
}
