package dev.cairn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn cluster ...}: replication's commands, run in a class-path JVM of their own.
 *
 * <p>Design. Replication runs on Apache Ratis, which cannot be read as a module (decision 0025),
 * and this module cannot read the unnamed one. So this command parses nothing itself: it starts
 * {@code java -cp CLASSPATH dev.cairn.replication.cli.ClusterCommand ARGS} with the JVM this one
 * runs on, its standard streams this process's own, and exits with the child's code; {@code cairn
 * cluster --help} is the child's help. The class path is the replication module's jar and its
 * run-time dependencies, which the {@code ./cairn} launcher builds when {@code cluster} is the
 * command and passes as the system property {@value #CLASSPATH_PROPERTY}. When this JVM stops (a
 * {@code SIGTERM}, Ctrl-C), the child is stopped too ({@code SIGTERM}: a node closes cleanly), and
 * waited for.
 */
@Command(
    name = "cluster",
    description = {
      "Replication (Apache Ratis): starts a node, shows a cluster's leader, members and each"
          + " node's engine and applied index, adds, removes or replaces a node, transfers"
          + " leadership. Run 'cairn cluster --help' for its commands.",
      "Runs in a JVM of its own on the class path (docs/decisions/0025)."
    })
final class ClusterCommand implements Callable<Integer> {

  /** The system property naming replication's class path, set by the {@code ./cairn} launcher. */
  static final String CLASSPATH_PROPERTY = "cairn.cluster.classpath";

  /** The class the child JVM runs. */
  static final String MAIN_CLASS = "dev.cairn.replication.cli.ClusterCommand";

  /** How long a stopping {@code cairn} waits for its child: longer than a node's close. */
  private static final long CHILD_STOP_SECONDS = 75;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "ARGS",
      description = "A cluster command and its options; 'cairn cluster --help' lists them.")
  List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    String classPath = System.getProperty(CLASSPATH_PROPERTY);
    if (classPath == null || classPath.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "cairn cluster runs the replication module in a JVM of its own, and its class path is"
              + " unknown: run it through the ./cairn launcher, which builds the module, or give"
              + " -D"
              + CLASSPATH_PROPERTY
              + "=<replication jar>:<its dependencies>");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Ratis's bundled gRPC and Netty use sun.misc.Unsafe and load a native library: allowed
    // here so that the JDK's warnings about them do not mix with the command's output.
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-cp");
    command.add(classPath);
    command.add(MAIN_CLASS);
    if (root != null && root.verbose) {
      command.add("--verbose");
    }
    command.addAll(arguments);
    Process child;
    try {
      child = new ProcessBuilder(command).inheritIO().start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start " + command.getFirst() + ": " + e.getMessage(), e);
    }
    Thread stopChild =
        new Thread(
            () -> {
              child.destroy();
              try {
                child.waitFor(CHILD_STOP_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "cairn-cluster-stop");
    Runtime.getRuntime().addShutdownHook(stopChild);
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().flush();
    int code = child.waitFor();
    try {
      Runtime.getRuntime().removeShutdownHook(stopChild);
    } catch (IllegalStateException shuttingDown) {
      // NB: the hook runs (or ran) already; nothing to remove
    }
    return code;
  }
}
