package dev.cairn.cli;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The top-level {@code cairn} command: global options, and the list of subcommands.
 *
 * <p>To add a subcommand, write a class named for it (as {@link GetCommand} is) and add it to the
 * {@code subcommands} list below; a subcommand reaches the installed engines through {@link
 * #registry()} from a {@code @ParentCommand CairnCommand} field.
 *
 * <p>Not thread-safe: one instance serves one command line, executed once.
 */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Lists Cairn storage engines, reads, writes and checks stores, certifies and benchmarks"
            + " engines, runs and manages replicated clusters.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:Success.",
      "1:Not found (get), the consistency check found problems (check), or a test failed"
          + " (certify).",
      "2:Usage error: bad option or value, unknown engine, invalid key or setting.",
      "3:Storage error: I/O, corruption, locked or incompatible store.",
      "4:Internal error (a bug); the stack trace is printed."
    },
    subcommands = {
      // One line per subcommand, in the order `cairn --help` lists them.
      EnginesCommand.class,
      PutCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      ScanCommand.class,
      KeyspacesCommand.class,
      DbCommand.class,
      CheckCommand.class,
      CompactCommand.class,
      StatsCommand.class,
      ShadowReportCommand.class,
      SalvageCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      MigrateCommand.class,
      CertifyCommand.class,
      ClusterCommand.class,
      dev.cairn.bench.cli.BenchCommand.class,
      dev.cairn.bench.cli.RecommendCommand.class,
      HelpCommand.class,
    })
public final class CairnCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of any error, and engine log output during certify.")
  boolean verbose;

  private final Supplier<EngineRegistry> engines;

  /** A command over the engines installed in this JVM ({@link Cairn#engines()}). */
  public CairnCommand() {
    this(Cairn::engines);
  }

  /**
   * A command over the given engines: how tests supply their own.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  public CairnCommand(EngineRegistry registry) {
    this(constant(Objects.requireNonNull(registry, "registry")));
  }

  private CairnCommand(Supplier<EngineRegistry> engines) {
    this.engines = engines;
  }

  /**
   * A picocli command line for {@code command}, with cairn's error reporting and exit codes.
   *
   * <p>The caller may redirect output with {@link CommandLine#setOut} and {@link
   * CommandLine#setErr} before {@link CommandLine#execute}, which returns the exit code.
   */
  public static CommandLine commandLine(CairnCommand command) {
    CommandLine cmd = new CommandLine(command);
    ErrorReporter reporter = new ErrorReporter(() -> command.verbose);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(reporter);
    cmd.setParameterExceptionHandler(reporter);
    cmd.setExecutionStrategy(CairnCommand::execute);
    // NB: cairn cluster passes its whole line on to the JVM that runs it, options included
    cmd.getSubcommands().get("cluster").setUnmatchedOptionsArePositionalParams(true);
    return cmd;
  }

  /**
   * Runs the command line picocli parsed, after refusing arguments it could not place.
   *
   * <p>NB: picocli lets a help option win over an unknown command or option ({@code cairn migrate
   * --help} would print cairn's help and succeed); here the unknown word is a usage error whatever
   * else the line asks for.
   */
  private static int execute(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (!p.unmatched().isEmpty()) {
        throw new UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  /** The installed engines, discovered on first use so that {@code --help} does not load them. */
  EngineRegistry registry() {
    return engines.get();
  }

  /** Without a subcommand there is nothing to do: a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing command (see 'cairn --help')");
  }

  private static Supplier<EngineRegistry> constant(EngineRegistry registry) {
    return () -> registry;
  }
}
