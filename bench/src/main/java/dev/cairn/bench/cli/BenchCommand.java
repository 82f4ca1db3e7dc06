package dev.cairn.bench.cli;

import dev.cairn.bench.BenchConfig;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchRunner;
import dev.cairn.bench.ChartWriter;
import dev.cairn.bench.ResultJson;
import dev.cairn.bench.ResultTable;
import dev.cairn.bench.TargetInfo;
import dev.cairn.bench.Workload;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineSetting;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn bench}: runs workloads over engines and peers, prints a comparison table, and writes
 * JSON and charts.
 *
 * <p>A picocli command; register it as a subcommand of {@code cairn}. Writes the table to the
 * command line's output writer and the progress bar to its error writer. Exit codes: 0 done, 1 the
 * run failed, 2 bad arguments (picocli's usage error code), 130 interrupted by Ctrl-C (SIGINT). Not
 * thread-safe; one execution per instance.
 *
 * <p>Interruption. While the run lasts a JVM shutdown hook is registered; the JVM runs it when the
 * process gets SIGINT (Ctrl-C), SIGTERM ({@code kill}, and {@link Process#destroy} on Linux) or
 * SIGHUP, or when another thread calls {@link System#exit}. The hook stops the run, waits for it at
 * most {@link #STOP_WAIT} (so it cannot hang the exit), ends the progress bar's line (the last
 * phase stays in sight), prints the table of what finished, and says whether the run's temporary
 * stores are gone. The JVM then exits with 128 + the signal's number: 130 for SIGINT, 143 for
 * SIGTERM. No JSON or chart is written for an interrupted run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs YCSB and db_bench-style workloads over Cairn engines (and peers) side by side and shows"
          + " which wins, by how much.",
      "Default: every engine on the module path, every workload, a quick size (about a minute on"
          + " 2 cores)."
    },
    sortOptions = false)
public final class BenchCommand implements Callable<Integer> {

  /** The exit code of a run that Ctrl-C interrupted: 128 + SIGINT, as the JVM exits. */
  public static final int INTERRUPTED = 130;

  /** How long the shutdown hook waits for the run to stop and delete its stores. */
  static final Duration STOP_WAIT = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--engines",
      split = ",",
      paramLabel = "NAME",
      description = "Engines and peers to measure, comma-separated (default: every engine found).")
  List<String> engines = new ArrayList<>();

  @Option(
      names = "--workloads",
      split = ",",
      paramLabel = "NAME",
      description =
          "Workloads, comma-separated: ${COMPLETION-CANDIDATES}; or all, ycsb, dbbench"
              + " (default: all).",
      completionCandidates = WorkloadNames.class)
  List<String> workloads = new ArrayList<>(List.of("all"));

  @Option(
      names = "--records",
      description = "Records loaded and filled (default: ${DEFAULT-VALUE}).")
  long records = 50_000;

  @Option(
      names = "--ops",
      description = "Measured operations per workload (default: ${DEFAULT-VALUE}).")
  long ops = 50_000;

  @Option(names = "--threads", description = "Client threads (default: ${DEFAULT-VALUE}).")
  int threads = 1;

  @Option(names = "--key-size", description = "Key bytes, at least 8 (default: ${DEFAULT-VALUE}).")
  int keySize = 16;

  @Option(names = "--value-size", description = "Value bytes (default: ${DEFAULT-VALUE}).")
  int valueSize = 100;

  @Option(
      names = "--durability",
      paramLabel = "sync|buffered",
      description =
          "Durability of ordinary writes, every workload's (the load, bursts and storms too);"
              + " syncput is always sync (default: buffered).")
  String durability = "buffered";

  @Option(
      names = "--seed",
      description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--warmup",
      description =
          "Unmeasured operations before each loaded workload, and puts before each syncput one"
              + " (at most --sync-ops) (default: ops/10).")
  Long warmup;

  @Option(
      names = "--sync-ops",
      description = "Operations of each syncput workload (default: ${DEFAULT-VALUE}).")
  long syncOps = 500;

  @Option(
      names = "--sync-writers",
      description = "Writers of syncput-concurrent (default: ${DEFAULT-VALUE}).")
  int syncWriters = 8;

  @Option(
      names = "--cache-size",
      paramLabel = "SIZE|auto|default",
      description =
          "Cache of every store that has one (RocksDB's block cache, MVStore's page cache), the"
              + " same for all: a size with k, m or g; auto, enough for the data the run may write"
              + " (records + ops + warm-up, key + value each, and a quarter more); or default,"
              + " each store's own default (default: auto).")
  String cacheSize = "auto";

  @Option(
      names = "--setting",
      paramLabel = "NAME=VALUE",
      description =
          "An engine setting for every engine of the run that declares it (compression=none,"
              + " block.size=16k), so that engines compare under the same configuration;"
              + " repeatable. The table states each engine's settings and compression.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description =
          "Rounds of the whole run on fresh stores, targets interleaved in each; every figure is"
              + " then the median over the rounds, with the min-max beside it, and a spread wider"
              + " than 1.5x is marked (default: ${DEFAULT-VALUE}).")
  int repeat = 1;

  @Option(names = "--dir", description = "Directory for the stores (default: a temporary one).")
  Path dir;

  @Option(names = "--json", paramLabel = "FILE", description = "Write every figure as JSON.")
  Path json;

  @Option(
      names = "--chart",
      paramLabel = "FILE",
      description = "Write a chart; .png or .svg (repeatable).")
  List<Path> charts = new ArrayList<>();

  @Option(
      names = "--timeline",
      description =
          "Record latency and throughput per second for every workload (the tail workloads"
              + " readwhilebursting, readwhilecompacting and readzipfianlarge always do).")
  boolean timeline;

  @Option(
      names = "--timeline-chart",
      paramLabel = "FILE",
      description =
          "Write the latency-over-time chart (p99 and max per second, bursts and stalls marked);"
              + " .png or .svg (repeatable).")
  List<Path> timelineCharts = new ArrayList<>();

  @Option(
      names = "--read-rate",
      paramLabel = "N",
      description =
          "Reads per second of readwhilebursting and readwhilecompacting, over all their readers"
              + " (default: ${DEFAULT-VALUE}).")
  long readRate = 5_000;

  @Option(
      names = "--burst",
      paramLabel = "MS/EVERY_MS",
      description =
          "Write bursts of readwhilebursting: each lasts MS milliseconds, one every EVERY_MS"
              + " (default: ${DEFAULT-VALUE}).")
  String burst = "1000/4000";

  @Option(names = "--list", description = "List engines, peers and workloads, then exit.")
  boolean list;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  /** Creates the command; picocli fills its options. */
  public BenchCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (list) {
      printList(out);
      return 0;
    }
    BenchConfig config = config();
    if (json != null) {
      checkOutput("--json", json, ".json");
    }
    for (Path chart : charts) {
      checkOutput("--chart", chart, ".png", ".svg");
    }
    for (Path chart : timelineCharts) {
      checkOutput("--timeline-chart", chart, ".png", ".svg");
    }
    if (!timelineCharts.isEmpty()
        && !config.timeline()
        && config.workloads().stream().noneMatch(Workload::tails)) {
      throw usage(
          "--timeline-chart needs a timeline: pass --timeline, or run readwhilebursting,"
              + " readwhilecompacting or readzipfianlarge");
    }
    BenchRunner runner;
    try {
      runner = new BenchRunner(config);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Console console = System.console();
    ProgressBar bar = new ProgressBar(err, !noProgress, console != null && console.isTerminal());
    Thread hook =
        Thread.ofPlatform()
            .name("cairn-bench-interrupted")
            .unstarted(() -> interrupted(runner, bar, out, err));
    Runtime.getRuntime().addShutdownHook(hook);
    BenchReport report;
    try {
      report = runner.run(bar);
    } catch (RuntimeException e) {
      if (!removed(hook)) {
        return INTERRUPTED; // the hook reports
      }
      bar.close();
      err.println("bench failed: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (!removed(hook)) {
      return INTERRUPTED; // the JVM is shutting down: the hook prints what finished
    }
    bar.close();
    out.print(ResultTable.format(report));
    out.flush();
    try {
      if (json != null) {
        ResultJson.write(report, json);
        out.println("wrote " + json);
      }
      for (Path chart : charts) {
        ChartWriter.write(report, chart);
        out.println("wrote " + chart);
      }
      for (Path chart : timelineCharts) {
        ChartWriter.writeTimeline(report, chart);
        out.println("wrote " + chart);
      }
    } catch (IllegalArgumentException e) {
      err.println("cannot write the timeline chart: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("cannot write results: " + e.getMessage());
      return 1;
    }
    out.flush();
    return 0;
  }

  /**
   * The shutdown hook's work: stops the run, ends the progress bar's line, prints the table of what
   * finished and whether the stores are gone. Bounded by {@link #STOP_WAIT} and the deletion.
   */
  private static void interrupted(
      BenchRunner runner, ProgressBar bar, PrintWriter out, PrintWriter err) {
    try {
      BenchReport partial = runner.stop(STOP_WAIT);
      bar.interrupt();
      err.println("cairn bench: interrupted; no JSON or chart written");
      err.flush();
      out.print(ResultTable.format(partial));
      out.flush();
      Path dir = runner.directory();
      if (dir != null && Files.exists(dir)) {
        err.println("cairn bench: could not delete all of the run's stores in " + dir);
      } else if (dir != null) {
        err.println("cairn bench: deleted the run's stores in " + dir);
      }
    } catch (RuntimeException e) {
      // NB: a hook must not die with a stack trace on the way out; say what happened instead.
      err.println("cairn bench: interrupted; reporting what finished failed: " + e);
    }
    err.flush();
  }

  /** Removes the hook; false when the JVM is already shutting down (the hook runs, or ran). */
  private static boolean removed(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /**
   * Checks, before the run, that {@code file} can be written: its name ends in one of {@code
   * extensions}, it is no directory, its directory exists and is writable, and if it exists it is
   * writable.
   *
   * @throws CommandLine.ParameterException naming the option, the file and what is wrong
   */
  private void checkOutput(String option, Path file, String... extensions) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (Arrays.stream(extensions).noneMatch(lower::endsWith)) {
      throw usage(
          option + " file must end in " + String.join(" or ", extensions) + ", got '" + file + "'");
    }
    if (Files.isDirectory(file)) {
      throw usage(option + " '" + file + "' is a directory; give a file name");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      throw usage(
          option
              + " '"
              + file
              + "': "
              + (Files.exists(parent)
                  ? "'" + parent + "' is not a directory"
                  : "directory '" + parent + "' does not exist"));
    }
    if (!Files.isWritable(parent) || (Files.exists(file) && !Files.isWritable(file))) {
      throw usage(option + " '" + file + "' cannot be written: permission denied");
    }
  }

  BenchConfig config() {
    Durability d =
        switch (durability.trim().toLowerCase(Locale.ROOT)) {
          case "sync" -> Durability.SYNC;
          case "buffered" -> Durability.BUFFERED;
          default -> throw usage("--durability must be sync or buffered, got '" + durability + "'");
        };
    try {
      BenchConfig.Builder builder =
          BenchConfig.builder()
              .targets(targets())
              .workloads(parseWorkloads(workloads))
              .records(records)
              .operations(ops)
              .threads(threads)
              .keySize(keySize)
              .valueSize(valueSize)
              .durability(d)
              .seed(seed)
              .syncOperations(syncOps)
              .syncWriters(syncWriters)
              .repeat(repeat)
              .directory(dir)
              .timeline(timeline)
              .readRate(readRate);
      long[] b = bursts(burst);
      builder.bursts(b[0], b[1]);
      for (Map.Entry<String, String> e : settings.entrySet()) {
        if (e.getKey().equals(EngineSetting.CACHE_SIZE)) {
          throw usage("set every store's cache with --cache-size, not --setting " + e.getKey());
        }
        builder.setting(e.getKey(), e.getValue());
      }
      if (warmup != null) {
        builder.warmupOperations(warmup);
      }
      Long cache = cacheBytes(cacheSize);
      if (cache != null) {
        builder.cacheBytes(cache);
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /**
   * Parses {@code --burst MS/EVERY_MS}.
   *
   * @throws CommandLine.ParameterException naming the value when it is not two whole numbers
   */
  private long[] bursts(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length == 2) {
      try {
        return new long[] {Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim())};
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw usage(
        "--burst must be MS/EVERY_MS, milliseconds (1000/4000: 1 s every 4 s), got '" + text + "'");
  }

  /**
   * Parses {@code --cache-size}: null for {@code auto} (the builder's default), {@link
   * BenchConfig#DEFAULT_CACHES} for {@code default}, else bytes with an optional k, m or g (powers
   * of 1024).
   *
   * @throws CommandLine.ParameterException naming the value when it is none of these
   */
  private Long cacheBytes(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("auto")) {
      return null;
    }
    if (t.equals("default")) {
      return BenchConfig.DEFAULT_CACHES;
    }
    long unit = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
      unit =
          switch (t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            default -> 1L << 30;
          };
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Math.multiplyExact(Long.parseLong(t), unit);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw usage("--cache-size must be a size (256m, 1g), auto or default, got '" + text + "'");
  }

  private List<String> targets() {
    List<String> names = new ArrayList<>();
    for (String e : engines) {
      String n = e.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        continue;
      }
      if (n.equals("all")) {
        return List.of();
      }
      names.add(n);
    }
    return names;
  }

  /**
   * Parses workload names and the groups {@code all}, {@code ycsb} and {@code dbbench}.
   *
   * @throws IllegalArgumentException naming an unknown workload and listing the known ones
   */
  static List<Workload> parseWorkloads(List<String> names) {
    Set<Workload> out = new LinkedHashSet<>();
    for (String raw : names) {
      String n = raw.trim().toLowerCase(Locale.ROOT);
      switch (n) {
        case "" -> {}
        case "all" -> out.addAll(Arrays.asList(Workload.values()));
        case "ycsb" ->
            Arrays.stream(Workload.values())
                .filter(w -> w.id().startsWith("ycsb-"))
                .forEach(out::add);
        case "dbbench" ->
            Arrays.stream(Workload.values())
                .filter(w -> !w.id().startsWith("ycsb-"))
                .forEach(out::add);
        default -> out.add(Workload.byId(n));
      }
    }
    return List.copyOf(out);
  }

  private void printList(PrintWriter out) {
    out.println("engines and peers (durability; memory at the default --cache-size):");
    for (TargetInfo t : BenchRunner.available()) {
      out.printf(
          Locale.ROOT, "  %-10s %-6s %-24s %s%n", t.name(), t.kind(), t.version(), t.durability());
      out.printf(Locale.ROOT, "  %-10s %-6s %-24s memory: %s%n", "", "", "", t.memory());
    }
    out.println("workloads:");
    for (Workload w : Workload.values()) {
      out.printf(Locale.ROOT, "  %-19s %s%n", w.id(), w.description());
    }
    out.flush();
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** The workload names, for picocli's help text. */
  static final class WorkloadNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    WorkloadNames() {
      for (Workload w : Workload.values()) {
        add(w.id());
      }
    }
  }
}
