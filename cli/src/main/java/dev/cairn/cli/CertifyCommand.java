package dev.cairn.cli;

import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
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
 * {@code cairn certify}: runs the conformance suite on an installed engine and writes a JSON report
 * (fields in docs/certification.md). Prints a line as each group of the suite finishes, then a
 * summary with a crash-and-fault line; exits with 1 when any test failed.
 */
@Command(
    name = "certify",
    description = {
      "Runs the conformance suite on an installed engine and writes a machine-readable report.",
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
      dev.cairn.spi.StorageEngineProvider provider, CertificationOptions options) {
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
    var provider = root.registry().provider(engine);
    out.println(
        "certifying engine '"
            + provider.name()
            + "' "
            + provider.version()
            + " (SPI "
            + provider.spiVersion()
            + ", suite "
            + Certification.suiteVersion()
            + ")");
    out.flush();
    CertificationOptions options =
        CertificationOptions.defaults()
            .withSettings(settings)
            .withGroups(groups)
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
}
