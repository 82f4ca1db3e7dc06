package dev.cairn.cli;

import dev.cairn.bench.cli.ProgressBar;
import dev.cairn.runtime.transfer.TransferProgress;
import dev.cairn.runtime.transfer.TransferSummary;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What {@code cairn export}, {@code cairn import} and {@code cairn migrate} print: a progress bar
 * on standard error while they work (redrawn in place on a terminal, a line per keyspace otherwise,
 * none with {@code --no-progress}), then a summary on standard output.
 */
final class TransferOutput implements Consumer<TransferProgress>, AutoCloseable {

  private static final int PERMILLE = 1000;

  private final ProgressBar bar;
  private final String verb;

  TransferOutput(PrintWriter err, boolean enabled, String verb) {
    Console console = System.console();
    this.bar = new ProgressBar(err, enabled, console != null && console.isTerminal());
    this.verb = verb;
  }

  @Override
  public void accept(TransferProgress p) {
    bar.progress(
        verb + " keyspace '" + p.keyspace() + "'", Math.round(p.fraction() * PERMILLE), PERMILLE);
  }

  /** Draws {@code p} under another verb (a migration's phase). */
  void accept(String phase, TransferProgress p) {
    bar.progress(
        phase + " keyspace '" + p.keyspace() + "'", Math.round(p.fraction() * PERMILLE), PERMILLE);
  }

  /** Ends the bar's line, so that what follows starts on a clean one. */
  @Override
  public void close() {
    bar.close();
  }

  /** The summary: one line of totals, one per keyspace, and the stream's digest. */
  static void summary(PrintWriter out, String what, TransferSummary s, long nanos) {
    out.println(
        what
            + ": "
            + count(s.entries(), "entry", "entries")
            + " in "
            + count(s.keyspaces().size(), "keyspace", "keyspaces")
            + ", "
            + bytes(s.dataBytes())
            + " of keys and values, "
            + bytes(s.streamBytes())
            + " of stream, in "
            + String.format(Locale.ROOT, "%.1f s", nanos / 1e9));
    out.println(
        "source: engine "
            + s.sourceEngine()
            + " "
            + s.sourceVersion()
            + ", exported at "
            + s.created()
            + (s.ordered() ? ", in key order" : ", in the engine's own order"));
    for (TransferSummary.KeyspaceTotals k : s.keyspaces()) {
      out.println(
          "  keyspace "
              + k.name()
              + ": "
              + count(k.entries(), "entry", "entries")
              + ", "
              + bytes(k.dataBytes())
              + ", digest "
              + k.digest());
    }
    out.println("digest: " + s.digest());
    out.flush();
  }

  static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  /** Bytes in the largest binary unit that keeps a whole part: 512 B, 1.5 KiB, 3.2 MiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
