package dev.cairn.cli;

import dev.cairn.runtime.EngineRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;

/** One in-process run of {@code cairn}: its exit code and everything it printed. */
record CliRun(int exitCode, String out, String err) {

  /** The registry the data-command tests use: a durable and a non-durable test engine. */
  static EngineRegistry testEngines() {
    return EngineRegistry.of(
        List.of(FileTestEngineProvider.durable(), FileTestEngineProvider.nonDurable()));
  }

  static CliRun run(String... args) {
    return run(testEngines(), args);
  }

  static CliRun run(EngineRegistry registry, String... args) {
    return run(new CairnCommand(registry), args);
  }

  static CliRun run(CairnCommand command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = CairnCommand.commandLine(command);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    cmd.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
    int code = cmd.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** For assertion messages: what the run printed. */
  String describe() {
    return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
  }
}
