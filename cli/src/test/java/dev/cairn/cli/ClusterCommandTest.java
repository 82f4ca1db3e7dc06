package dev.cairn.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn cluster} hands its whole line, options and {@code --help} included, to a class-path
 * JVM running replication's command (here a stand-in that records its arguments), and exits with
 * that JVM's code; without the class path the launcher passes, it says how to run it.
 */
class ClusterCommandTest {

  private static final String STAND_IN =
      """
      package dev.cairn.replication.cli;

      import java.nio.file.Files;
      import java.nio.file.Path;

      public class ClusterCommand {
        public static void main(String[] args) throws Exception {
          Path classes =
              Path.of(ClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
          Files.writeString(classes.resolveSibling("args.txt"), String.join("|", args));
          System.exit(42);
        }
      }
      """;

  @TempDir Path work;

  @AfterEach
  void noClassPath() {
    System.clearProperty(ClusterCommand.CLASSPATH_PROPERTY);
  }

  @Test
  void withoutTheClassPathItSaysHowToRunIt() {
    System.clearProperty(ClusterCommand.CLASSPATH_PROPERTY);
    CliRun r = CliRun.run("cluster", "status");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("run it through the ./cairn launcher"), r.describe());
  }

  @Test
  void theWholeLineGoesToTheClassPathJvmAndItsExitCodeComesBack() throws IOException {
    Path classes = standIn();
    System.setProperty(ClusterCommand.CLASSPATH_PROPERTY, classes.toString());
    CliRun r =
        CliRun.run(
            "--verbose", "cluster", "add", "--cluster", "x", "--members=a=h:1", "b=h:2", "--help");
    assertEquals(42, r.exitCode(), r.describe());
    assertEquals(
        "--verbose|add|--cluster|x|--members=a=h:1|b=h:2|--help",
        Files.readString(classes.resolveSibling("args.txt")));
  }

  private Path standIn() throws IOException {
    Path src = Files.createDirectories(work.resolve("src/dev/cairn/replication/cli"));
    Path file = src.resolve("ClusterCommand.java");
    Files.writeString(file, STAND_IN);
    Path classes = work.resolve("classes");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
      boolean ok =
          javac
              .getTask(
                  diagnostics,
                  files,
                  null,
                  List.of("-d", classes.toString()),
                  null,
                  files.getJavaFileObjectsFromPaths(List.of(file)))
              .call();
      assertTrue(ok, "the stand-in compiles:\n" + diagnostics);
    }
    return classes;
  }
}
