package dev.cairn.cli;

import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.EngineNotFoundException;
import dev.cairn.spi.StorageEngineProvider;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
 * {@code --module-path}, and writes a JSON report (fields in docs/certification.md). Prints a line
 * as each group of the suite finishes, then a summary with a crash-and-fault line; exits with 1
 * when any test failed. Every failure's replay line is a complete {@code cairn certify} command
 * that works from any directory (see {@link ShellCommand#cairn()}).
 */
@Command(
    name = "certify",
    description = {
      "Runs the conformance suite on an installed engine, or on one from --module-path, and writes"
          + " a machine-readable report.",
      "Prints a line per group and a summary; exits with 1 when any test failed."
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
      description = "Where to write the JSON report.")
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
              + " engine-contract, model-based, crash-and-faults.")
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
    PrintWriter out = spec.commandLine().getOut();
    StorageEngineProvider provider = provider();
    out.println(
        "certifying engine '"
            + provider.name()
            + "' "
            + provider.version()
            + " (SPI "
            + provider.spiVersion()
            + ", suite "
            + Certification.suiteVersion()
            + ")"
            + location(provider.getClass()).map(l -> " from " + l).orElse(""));
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
                  out.println("  " + line);
                  out.flush();
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
            + " skipped");
    out.println("capabilities declared " + r.declared() + ", verified " + r.verified());
    out.println(r.crashAndFaults().summaryLine());
    if (report != null) {
      try {
        r.writeTo(report);
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .println("cairn certify: cannot write the report to " + report + ": " + e);
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

  /** Where {@code type} was loaded from (a jar or directory), for the first line; if known. */
  static Optional<String> location(Class<?> type) {
    Module m = type.getModule();
    if (m.isNamed() && m.getLayer() != null) {
      return m.getLayer()
          .configuration()
          .findModule(m.getName())
          .map(ResolvedModule::reference)
          .flatMap(ModuleReference::location)
          .filter(u -> u.getScheme().equals("file"))
          .map(u -> Path.of(u).toString());
    }
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(source.getLocation().toURI()).toString());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
