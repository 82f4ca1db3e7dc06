package dev.cairn.bench.cli;

import dev.cairn.bench.BenchConfig;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.ChartWriter;
import dev.cairn.bench.Recommendation;
import dev.cairn.bench.ResultTable;
import dev.cairn.bench.RunResult;
import dev.cairn.bench.TraceReplay;
import dev.cairn.bench.trace.OperationTrace;
import dev.cairn.spi.Durability;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn recommend}: replays a recorded operation trace ({@code StoreBuilder.operationTrace},
 * {@code docs/formats/operation-trace.md}) against every engine with the bench ({@link
 * TraceReplay}), prints the bench's table, writes its chart and JSON when asked, and recommends the
 * fastest engine that can run the trace, with why ({@link Recommendation}; {@code
 * docs/recommend.md}).
 *
 * <p>A picocli command, registered as a subcommand of {@code cairn} as {@code bench} is. Exit
 * codes: 0 recommended, 1 no engine could run the trace or the replay failed, 2 bad arguments or an
 * unreadable trace.
 */
@Command(
    name = "recommend",
    mixinStandardHelpOptions = true,
    description = {
      "Replays a recorded operation trace against every engine with the bench and recommends the"
          + " fastest one that can run it, with its figures and why.",
      "Record a trace with StoreBuilder.operationTrace(file, rate) (docs/recommend.md)."
    },
    sortOptions = false)
public final class RecommendCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--trace",
      required = true,
      paramLabel = "FILE",
      description = "The operation trace to replay.")
  Path trace;

  @Option(
      names = "--engines",
      split = ",",
      paramLabel = "NAME",
      description = "Engines to replay it on, comma-separated (default: every engine found).")
  List<String> engines = new ArrayList<>();

  @Option(
      names = "--passes",
      description =
          "Measured passes over the trace per engine, after one warm-up pass (default: ${DEFAULT-VALUE}).")
  int passes = 3;

  @Option(
      names = "--durability",
      description =
          "Durability of replayed writes: SYNC or BUFFERED (default: the traced store's).")
  Durability durability;

  @Option(
      names = "--max-ops",
      paramLabel = "N",
      description =
          "Replay at most the first N operations of the trace (default: ${DEFAULT-VALUE}).")
  int maxOps = 1_000_000;

  @Option(names = "--seed", description = "Seed of the values written (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--dir", description = "Directory for the stores (default: a temporary one).")
  Path dir;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write the figures and the recommendation as JSON.")
  Path json;

  @Option(
      names = "--chart",
      paramLabel = "FILE",
      description = "Write the bench's chart of the replay: .png or .svg.")
  Path chart;

  @Option(names = "--no-progress", description = "No progress bar on standard error.")
  boolean noProgress;

  /** A command with its defaults; picocli sets the options. */
  public RecommendCommand() {}

  @Override
  public Integer call() throws IOException {
    if (passes < 1 || passes > 1000) {
      throw new ParameterException(spec.commandLine(), "--passes must be in [1, 1000]");
    }
    if (maxOps < 1) {
      throw new ParameterException(spec.commandLine(), "--max-ops must be at least 1");
    }
    if (chart != null) {
      String n = chart.getFileName().toString().toLowerCase(Locale.ROOT);
      if (!n.endsWith(".png") && !n.endsWith(".svg")) {
        throw new ParameterException(spec.commandLine(), "--chart must end in .png or .svg");
      }
    }
    OperationTrace t;
    try {
      t = OperationTrace.read(trace, maxOps);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "cannot read the trace: " + e.getMessage());
    }
    if (t.size() == 0) {
      throw new ParameterException(
          spec.commandLine(), "the trace " + trace + " holds no operation");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.println("trace " + trace + ": " + t.describe());
    if (t.truncated() || t.leftOut() > 0) {
      out.printf(
          Locale.ROOT,
          "  (%s%s)%n",
          t.truncated() ? "the file ends inside a record, read up to it" : "",
          t.leftOut() > 0
              ? String.format(Locale.ROOT, "%,d operations past --max-ops left out", t.leftOut())
              : "");
    }
    Durability d =
        durability != null ? durability : (t.sync() ? Durability.SYNC : Durability.BUFFERED);
    TraceReplay replay = new TraceReplay(t, passes, d, seed, dir, BenchConfig.DEFAULT_CACHES);
    boolean terminal = System.console() != null && System.console().isTerminal();
    ProgressBar bar = new ProgressBar(err, !noProgress, terminal);
    BenchReport report;
    try {
      report = replay.run(engines, bar);
    } catch (IllegalArgumentException e) {
      bar.close();
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    bar.close();
    Recommendation r = Recommendation.of(report, t);
    out.println();
    out.print(ResultTable.format(report));
    out.println();
    out.print(r.format());
    if (chart != null) {
      ChartWriter.write(report, chart);
      out.println("chart: " + chart);
    }
    if (json != null) {
      Files.writeString(json, toJson(trace, t, r), StandardCharsets.UTF_8);
      out.println("json: " + json);
    }
    out.flush();
    return r.engine() == null ? 1 : 0;
  }

  /** The figures and the recommendation as JSON ({@code docs/recommend.md}). */
  static String toJson(Path file, OperationTrace t, Recommendation r) {
    StringBuilder b = new StringBuilder(1024);
    b.append("{\n  \"format\": \"cairn-recommend/1\",\n  \"trace\": {\"file\": ")
        .append(str(file.toString()))
        .append(", \"operations\": ")
        .append(t.size())
        .append(", \"keys\": ")
        .append(t.distinctKeys())
        .append(", \"engine\": ")
        .append(str(t.engine()))
        .append(", \"durable\": ")
        .append(t.durable())
        .append(", \"needsOrder\": ")
        .append(t.needsOrder())
        .append(", \"mix\": {");
    String sep = "";
    for (var e : t.mix().entrySet()) {
      b.append(sep).append(str(e.getKey())).append(": ").append(e.getValue());
      sep = ", ";
    }
    b.append("}},\n  \"recommended\": ").append(r.engine() == null ? "null" : str(r.engine()));
    b.append(",\n  \"reasons\": [");
    sep = "";
    for (String s : r.reasons()) {
      b.append(sep).append("\n    ").append(str(s));
      sep = ",";
    }
    b.append("\n  ],\n  \"results\": [");
    sep = "";
    for (RunResult x : r.ranking()) {
      b.append(sep)
          .append(
              String.format(
                  Locale.ROOT,
                  "\n    {\"engine\": %s, \"operations\": %d, \"opsPerSecond\": %.1f,"
                      + " \"meanNanos\": %.1f, \"p50Nanos\": %d, \"p99Nanos\": %d,"
                      + " \"p999Nanos\": %d, \"maxNanos\": %d}",
                  str(x.target()),
                  x.operations(),
                  x.opsPerSecond(),
                  x.meanNanos(),
                  x.p50Nanos(),
                  x.p99Nanos(),
                  x.p999Nanos(),
                  x.maxNanos()));
      sep = ",";
    }
    b.append("\n  ],\n  \"excluded\": [");
    sep = "";
    for (var n : r.excluded()) {
      b.append(sep)
          .append("\n    {\"engine\": ")
          .append(str(n.target()))
          .append(", \"reason\": ")
          .append(str(n.reason()))
          .append('}');
      sep = ",";
    }
    b.append("\n  ]\n}\n");
    return b.toString();
  }

  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
