package dev.cairn.replication.cli;

import dev.cairn.replication.Peer;
import dev.cairn.replication.ReplicatedStore;
import dev.cairn.replication.ReplicationException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code cairn cluster}: starts a node, and manages a running cluster's membership and leadership
 * from a shell.
 *
 * <p>Design. The {@code cairn} command is a named module and cannot read Ratis, which is not one
 * (decision 0025); {@code cairn cluster} therefore runs this class in a class-path JVM of its own,
 * which the {@code cairn} command starts with the class path the build of this module wrote (see
 * docs/cli.md). Everything here goes through the public API ({@link ReplicatedStore}, {@link
 * dev.cairn.replication.ReplicationNode}); this package is the one place in {@code replication}
 * that prints. Exit codes are {@code cairn}'s: 0 success, 2 usage error, 3 a cluster that did not
 * answer or refused (any {@link ReplicationException} or {@link StorageException}), or a node that
 * could not start (its port taken, its storage damaged) or fail-stopped, 4 a bug.
 */
@Command(
    name = "cairn cluster",
    description =
        "Starts a node of a replicated store (Apache Ratis), and shows or changes a running"
            + " cluster: its members, its leader, each node's engine and applied index.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:Success.",
      "2:Usage error: bad option or value, unknown member, a node id used twice.",
      "3:The cluster did not answer in time, or refused the change; no node answered (status); the"
          + " node could not start (its port taken, its storage damaged), or fail-stopped while it"
          + " ran (start-node: it prints why; start it again).",
      "4:Internal error (a bug); the stack trace is printed."
    },
    subcommands = {
      StartNodeCommand.class,
      StatusCommand.class,
      MembershipCommands.Add.class,
      MembershipCommands.Remove.class,
      MembershipCommands.Replace.class,
      MembershipCommands.TransferLeader.class,
      HelpCommand.class,
    })
public final class ClusterCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Help help;

  static final int SUCCESS = 0;
  static final int USAGE = 2;
  static final int CLUSTER_ERROR = 3;
  static final int INTERNAL = 4;

  /** Ratis logs each retry and refused connection; held so that the level set here stays set. */
  private static final Logger RATIS_LOG = Logger.getLogger("org.apache.ratis");

  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description =
          "Print the stack trace of any error, and Ratis's log lines from INFO up (a node prints"
              + " WARNING and up without it, the other commands none).")
  boolean verbose;

  /**
   * Runs {@code cairn cluster} with {@code args} and exits with its exit code.
   *
   * <p>NB: a node ({@code start-node}) runs until the process is stopped; its shutdown hook closes
   * it, then the process exits as the signal says (143 for {@code SIGTERM}, 130 for Ctrl-C).
   */
  public static void main(String[] args) {
    int code =
        run(
            args,
            new PrintWriter(System.out, true, java.nio.charset.Charset.defaultCharset()),
            new PrintWriter(System.err, true, java.nio.charset.Charset.defaultCharset()));
    System.exit(code);
  }

  /**
   * Runs {@code cairn cluster} with {@code args} in this JVM, printing to {@code out} and {@code
   * err}.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    ClusterCommand command = new ClusterCommand();
    CommandLine cmd = new CommandLine(command);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionStrategy(
        parsed -> {
          // NB: a node shows Ratis's warnings (a peer down, a failed apply); a command that
          // only asks the cluster would show one for each retry
          boolean node =
              parsed.hasSubcommand()
                  && parsed.subcommand().commandSpec().name().equals("start-node");
          RATIS_LOG.setLevel(command.verbose ? Level.INFO : node ? Level.WARNING : Level.OFF);
          return new CommandLine.RunLast().execute(parsed);
        });
    cmd.setParameterExceptionHandler(
        (ex, ignored) -> {
          PrintWriter e = ex.getCommandLine().getErr();
          String name = ex.getCommandLine().getCommandSpec().qualifiedName();
          e.println(name + ": " + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
          e.println("Try '" + name + " --help' for more information.");
          e.flush();
          return USAGE;
        });
    cmd.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          PrintWriter e = c.getErr();
          int code;
          if (ex instanceof InvalidArgumentException) {
            e.println(c.getCommandSpec().qualifiedName() + ": usage error: " + ex.getMessage());
            code = USAGE;
          } else if (ex instanceof ReplicationException
              || ex instanceof StorageException
              || ex instanceof java.io.UncheckedIOException) {
            e.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            code = CLUSTER_ERROR;
          } else {
            e.println(c.getCommandSpec().qualifiedName() + ": internal error: " + ex);
            ex.printStackTrace(e);
            return INTERNAL;
          }
          if (command.verbose) {
            ex.printStackTrace(e);
          }
          e.flush();
          return code;
        });
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Without a subcommand there is nothing to do: a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Missing command (see 'cairn cluster --help')");
  }

  /** {@code -h, --help}, on every command. */
  static final class Help {
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean requested;
  }

  /** Options every command that talks to a running cluster takes. */
  static final class Target {

    @Option(
        names = "--cluster",
        required = true,
        paramLabel = "UUID",
        description = "The cluster's id (its Raft group id), the same on every node.")
    UUID cluster;

    @Option(
        names = "--members",
        required = true,
        split = ",",
        paramLabel = "ID=HOST:PORT",
        converter = PeerConverter.class,
        description =
            "Nodes to reach the cluster through, comma-separated: its members, or some of them.")
    List<Peer> members;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "30s",
        converter = DurationConverter.class,
        description =
            "How long to keep trying a call while nodes restart or elect a leader (default: 30s;"
                + " 500ms, 10s, 2m, or ISO-8601 such as PT1M).")
    Duration timeout;

    /** A client of the cluster, which also knows the {@code extra} peers' addresses. */
    ReplicatedStore connect(Peer... extra) {
      List<Peer> all = new ArrayList<>(members);
      for (Peer p : extra) {
        if (all.stream().noneMatch(m -> m.id().equals(p.id()))) {
          all.add(p);
        }
      }
      return ReplicatedStore.connect(cluster, all, timeout);
    }
  }

  /** {@code id=host:port}. */
  static final class PeerConverter implements ITypeConverter<Peer> {
    @Override
    public Peer convert(String value) {
      try {
        return Peer.parse(value.strip());
      } catch (InvalidArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, or an ISO-8601 duration; positive. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m)");

    @Override
    public Duration convert(String value) {
      Matcher m = SIMPLE.matcher(value.strip().toLowerCase(Locale.ROOT));
      Duration d;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              default -> Duration.ofMinutes(n);
            };
      } else {
        try {
          d = Duration.parse(value.strip());
        } catch (java.time.format.DateTimeParseException e) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is not a duration (500ms, 10s, 2m or ISO-8601 such as PT1M)");
        }
      }
      if (d.isNegative() || d.isZero()) {
        throw new CommandLine.TypeConversionException("duration must be positive: " + value);
      }
      return d;
    }
  }
}
