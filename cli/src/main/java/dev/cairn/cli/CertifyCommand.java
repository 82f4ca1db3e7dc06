package dev.cairn.cli;

import dev.cairn.conformance.certify.Artifact;
import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import dev.cairn.conformance.certify.SuiteVersion;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.EngineNotFoundException;
import dev.cairn.spi.StorageEngineProvider;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn certify}: runs the conformance suite on an installed engine, or on one given with
 * {@code --module-path}, and writes a JSON report (fields in docs/certification.md, schema in
 * docs/certification-report-1.schema.json). Prints to standard error a line as each group of the
 * suite starts and finishes, with its wall time, then to standard output a summary with a
 * crash-and-fault line (to standard error too when the report goes to standard output); exits with
 * 1 when any test failed. Every failure's replay line is a complete {@code cairn certify} command
 * that works from any directory (see {@link ShellCommand#cairn()}).
 */
@Command(
    name = "certify",
    description = {
      "Runs the conformance suite on an installed engine, or on one from --module-path, and writes"
          + " a machine-readable report.",
      "Prints progress per group to stderr and a summary to stdout; exits with 1 when any test"
          + " failed."
    })
final class CertifyCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = {"-e", "--engine"},
      required = true,
      paramLabel = "NAME",
      description = "The engine to certify ('cairn engines' lists them).")
  String engine;

  @Option(
      names = {"-p", "--module-path"},
      paramLabel = "PATH",
      description =
          "Jars, exploded modules or directories of them, separated by '"
              + "${sys:path.separator}', that hold the engine (and the libraries it needs);"
              + " repeatable. They are loaded in a module layer of their own; a plain jar is an"
              + " automatic module whose engines are listed in its"
              + " META-INF/services/dev.cairn.spi.StorageEngineProvider.")
  List<String> modulePath = new ArrayList<>();

  @Option(
      names = {"-r", "--report"},
      paramLabel = "FILE",
      description =
          "Where to write the JSON report; '-' for standard output (the progress and summary then"
              + " go to standard error).")
  Path report;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description = "Replay the model-based sequence of this seed (printed by a failure) only.")
  Long seed;

  @Option(
      names = "--sequences",
      paramLabel = "N",
      description = "Model-based sequences to run (default 20).")
  Integer sequences;

  @Option(
      names = "--operations",
      paramLabel = "N",
      description = "Steps per model-based sequence (default 300).")
  Integer operations;

  @Option(
      names = "--crash-seed",
      paramLabel = "SEED",
      description =
          "Replay the crash or fault trial of this seed (printed by a failure) only, in each"
              + " crash campaign.")
  Long crashSeed;

  @Option(
      names = "--crash-scale",
      paramLabel = "N",
      description = "Multiply the crash campaigns' trials by N (default 1; 100 for a long run).")
  Integer crashScale;

  @Option(
      names = {"-g", "--group"},
      paramLabel = "GROUP",
      description =
          "Run only this group; repeatable. Groups: basic, keys-values, batches, cursors,"
              + " snapshots, lifecycle, capabilities, concurrency, options-errors,"
              + " engine-contract, introspection, keyspaces, conditional-writes, range-deletes,"
              + " model-based, crash-and-faults.")
  Set<String> groups = new LinkedHashSet<>();

  @Option(
      names = {"-s", "--setting"},
      paramLabel = "NAME=VALUE",
      description = "An engine setting for every store the suite opens; repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  /**
   * Runs the suite with the JDK's logging silenced unless {@code --verbose} was given: the fault
   * campaigns make engines log every injected failure they stop on, which is expected and would
   * bury the progress lines. Test outcomes, not log lines, decide certification.
   */
  private CertificationReport runQuietly(
      StorageEngineProvider provider, CertificationOptions options) {
    java.util.logging.Logger rootLogger = java.util.logging.Logger.getLogger("");
    java.util.logging.Level before = rootLogger.getLevel();
    if (!root.verbose) {
      rootLogger.setLevel(java.util.logging.Level.OFF);
    }
    try {
      return Certification.run(provider, options);
    } finally {
      rootLogger.setLevel(before);
    }
  }

  @Override
  public Integer call() {
    // NB: with --report - the JSON is stdout's only content; everything else goes to stderr.
    boolean jsonToStdout = report != null && report.toString().equals("-");
    PrintWriter out = jsonToStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (report != null && !jsonToStdout) {
      // Checked before a run that can take minutes, not after it.
      Optional<String> problem = unwritable(report);
      if (problem.isPresent()) {
        err.println("cairn certify: cannot write the report to " + report + ": " + problem.get());
        return ExitCodes.STORAGE;
      }
    }
    StorageEngineProvider provider = provider();
    SuiteVersion suite = SuiteVersion.current();
    out.println(
        "certifying engine '"
            + provider.name()
            + "' "
            + provider.version()
            + " (SPI "
            + provider.spiVersion()
            + ", suite "
            + suite.version()
            + (suite.released() ? "" : ", not released")
            + ")"
            + Artifact.of(provider.getClass()).location().map(l -> " from " + l).orElse(""));
    out.flush();
    String again = replayPrefix();
    CertificationOptions options =
        CertificationOptions.defaults()
            .withSettings(settings)
            .withGroups(groups)
            .withParameter(
                Certification.REPLAY_COMMAND, again + " --group model-based --seed {seed}")
            .withParameter(
                Certification.CRASH_REPLAY_COMMAND,
                again + " --group crash-and-faults --crash-seed {seed}")
            .withProgress(
                line -> {
                  err.println("  " + line);
                  err.flush();
                });
    if (seed != null) {
      options = options.withParameter("cairn.seed", Long.toString(seed));
    }
    if (sequences != null) {
      options = options.withParameter("cairn.model.sequences", Integer.toString(sequences));
    }
    if (operations != null) {
      options = options.withParameter("cairn.model.operations", Integer.toString(operations));
    }
    if (crashSeed != null) {
      options = options.withParameter("cairn.crash.seed", Long.toString(crashSeed));
    }
    if (crashScale != null) {
      if (crashScale < 1) {
        throw new ParameterException(
            spec.commandLine(), "--crash-scale must be at least 1, not " + crashScale);
      }
      options = options.withParameter("cairn.crash.scale", Integer.toString(crashScale));
    }
    CertificationReport r = runQuietly(provider, options);
    for (Map<String, String> f : r.failures()) {
      out.println("FAILED " + f.get("group") + " > " + f.get("test"));
      out.println("    " + f.get("message").replace("\n", "\n    "));
    }
    out.println(
        (r.certified() ? "CERTIFIED" : "NOT CERTIFIED")
            + ": "
            + r.executed()
            + " tests executed, "
            + r.passed()
            + " passed, "
            + r.failed()
            + " failed, "
            + r.skipped()
            + " skipped in "
            + duration(r.duration()));
    out.println("capabilities declared " + r.declared() + ", verified " + r.verified());
    out.println(r.crashAndFaults().summaryLine());
    if (jsonToStdout) {
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.print(r.toJson());
      stdout.flush();
    } else if (report != null) {
      try {
        r.writeTo(report);
      } catch (IOException e) {
        err.println("cairn certify: cannot write the report to " + report + ": " + e);
        return ExitCodes.STORAGE;
      }
      out.println("report: " + report);
    }
    out.flush();
    // NB: 1 is "the answer is no" (ExitCodes.NOT_FOUND): the engine is not certified.
    return r.certified() ? ExitCodes.OK : ExitCodes.NOT_FOUND;
  }

  /**
   * The engine to certify: from the installed engines, or with {@code --module-path} from a layer
   * of those modules over cairn's (whose engines stay visible: the model-based group compares the
   * engine with them).
   */
  private StorageEngineProvider provider() {
    if (modulePath.isEmpty()) {
      return root.registry().provider(engine);
    }
    List<Path> entries = EngineModulePath.entries(modulePath);
    ModuleLayer parent =
        Optional.ofNullable(CertifyCommand.class.getModule().getLayer()).orElse(ModuleLayer.boot());
    ModuleLayer layer = EngineModulePath.layer(entries, parent);
    EngineRegistry registry = EngineRegistry.discover(layer);
    try {
      return registry.provider(engine);
    } catch (EngineNotFoundException e) {
      PrintWriter err = spec.commandLine().getErr();
      registry.problems().forEach(p -> err.println("cairn certify: refused: " + p));
      throw new EngineNotFoundException(
          e.getMessage()
              + "; --module-path "
              + String.join(File.pathSeparator, entries.stream().map(Path::toString).toList())
              + " added the modules "
              + EngineModulePath.modules(layer),
          e);
    }
  }

  /**
   * {@code cairn certify} with every option that decides what a replayed seed runs: the module path
   * (absolute), the engine, its settings and the sequence length. Options that only select what
   * else runs (groups, report, sequence count, scale) are left out; the replay adds its own.
   */
  private String replayPrefix() {
    List<String> words = new ArrayList<>();
    words.add(ShellCommand.cairn());
    words.add("certify");
    if (!modulePath.isEmpty()) {
      words.add("--module-path");
      words.add(
          ShellCommand.quote(
              String.join(
                  File.pathSeparator,
                  EngineModulePath.entries(modulePath).stream().map(Path::toString).toList())));
    }
    words.add("--engine");
    words.add(ShellCommand.quote(engine));
    settings.forEach(
        (k, v) -> {
          words.add("--setting");
          words.add(ShellCommand.quote(k + "=" + v));
        });
    if (operations != null) {
      words.add("--operations");
      words.add(Integer.toString(operations));
    }
    return String.join(" ", words);
  }

  /** Why {@code file} cannot be written, if it cannot: its directory is missing or read-only. */
  private static Optional<String> unwritable(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file)) {
      return Optional.of("it is a directory");
    }
    if (dir == null || !Files.isDirectory(dir)) {
      return Optional.of("the directory " + dir + " does not exist");
    }
    if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
      return Optional.of("permission denied");
    }
    return Optional.empty();
  }

  /** {@code 8.4 s}, or {@code 1:05} (minutes and seconds) from a minute on. */
  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
