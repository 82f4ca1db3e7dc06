package dev.cairn.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./cairn} launcher and {@code ./mvnw} on a machine where JDK 25 is installed but is not
 * the default: {@code JAVA_HOME} unset, and the {@code java} on {@code PATH} an older JDK's (a
 * stand-in that fails if run). The launcher runs, through a chain of symbolic links and from
 * another directory, from a copy of the repository's launcher files in which a stand-in Maven
 * Wrapper "builds" a stand-in CLI that prints the Java it runs on, so no test builds Cairn.
 *
 * <p>The JDK 25 to be found is this JVM's, linked from {@code ~/.jdks} (IntelliJ IDEA's download
 * directory, one of the places {@code .mvn/find-jdk} looks) in a home directory of the test's own,
 * so that the test does not depend on where the machine keeps its JDKs.
 */
class LauncherTest {

  /** The repository: the cli module's parent. */
  private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();

  private static final String FAKE_MAIN =
      """
      package dev.cairn.cli;

      public class Main {
        public static void main(String[] args) {
          System.out.println("java " + Runtime.version().feature());
          System.out.println("launcher " + System.getProperty("cairn.launcher"));
          System.out.println("cluster " + System.getProperty("cairn.cluster.classpath"));
          System.out.println("args " + String.join(" ", args));
        }
      }
      """;

  @TempDir Path work;

  private Path checkout;
  private Path buildLog;
  private Path oldJdk;
  private Path home;
  private Path elsewhere;

  @BeforeEach
  void aCheckoutAnOldDefaultJavaAndAJdk25ElsewhereOnTheMachine() throws IOException {
    checkout = Files.createDirectories(work.resolve("checkout")).toRealPath();
    copyExecutable(REPOSITORY.resolve("cairn"), checkout.resolve("cairn"));
    copyExecutable(REPOSITORY.resolve(".mvn/find-jdk"), checkout.resolve(".mvn/find-jdk"));
    // The real bench/jvm.args names modules the stand-in CLI lacks, which the JVM warns about.
    Files.createDirectories(checkout.resolve("bench"));
    Files.writeString(checkout.resolve("bench/jvm.args"), "# no options\n");
    Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
    Files.createDirectories(checkout.resolve("cli/src/main/java"));
    Files.writeString(checkout.resolve("cli/src/main/java/Source.java"), "class Source {}\n");
    Files.createDirectories(checkout.resolve("replication"));

    Path cliJar = fakeCliJar();
    buildLog = work.resolve("build.log");
    executable(
        checkout.resolve("mvnw"),
        """
        #!/bin/sh
        # Stands in for the Maven Wrapper: records how it was run, then "builds" the CLI.
        printf '%%s|%%s|%%s\\n' "$PWD" "${JAVA_HOME-}" "$*" >>'%s'
        if [ -e fail-the-build ]; then
          echo '[ERROR] the build is broken'
          exit 7
        fi
        mkdir -p cli/target/lib
        cp '%s' cli/target/cairn-cli-0.1.0.jar
        case "$*" in
          *replication*)
            mkdir -p replication/target/lib
            echo 'a stand-in' >replication/target/cairn-replication-0.1.0.jar
            ;;
        esac
        """
            .formatted(buildLog, cliJar));

    oldJdk = work.resolve("old-jdk");
    Files.createDirectories(oldJdk.resolve("bin"));
    Files.writeString(oldJdk.resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
    for (String tool : List.of("java", "javac")) {
      executable(
          oldJdk.resolve("bin").resolve(tool), "#!/bin/sh\necho 'the old JDK ran' >&2\nexit 3\n");
    }

    home = Files.createDirectories(work.resolve("home"));
    Files.createDirectories(home.resolve(".jdks"));
    Files.createSymbolicLink(
        home.resolve(".jdks/jdk-25"), Path.of(System.getProperty("java.home")));

    elsewhere = Files.createDirectories(work.resolve("elsewhere"));
  }

  /** NB: JUnit warns about a link out of its temporary directory when it deletes it. */
  @AfterEach
  void unlinkTheJdk() throws IOException {
    Files.deleteIfExists(home.resolve(".jdks/jdk-25"));
  }

  @Test
  void runsThroughSymbolicLinksFromAnotherDirectoryOnTheJdk25ItFinds() throws Exception {
    // bin-a/cairn -> bin-b/cairn -> ../checkout/cairn, as when one puts it on PATH.
    Path binA = Files.createDirectories(work.resolve("bin-a"));
    Path binB = Files.createDirectories(work.resolve("bin-b"));
    Files.createSymbolicLink(binB.resolve("cairn"), Path.of("../checkout/cairn"));
    Files.createSymbolicLink(binA.resolve("cairn"), binB.resolve("cairn"));

    Run r = run(List.of(binA.resolve("cairn").toString(), "get", "--dir", "x y"));

    assertEquals(0, r.exitCode(), r.describe());
    assertEquals(
        "java 25\nlauncher " + checkout.resolve("cairn") + "\ncluster null\nargs get --dir x y\n",
        r.out(),
        r.describe());
    assertTrue(
        r.err().contains("cairn: first use, or the sources changed: building the CLI"),
        r.describe());
    assertTrue(r.err().contains("installs nothing"), r.describe());
    assertTrue(r.err().contains("cairn: built in "), r.describe());

    List<String> builds = Files.readAllLines(buildLog);
    assertEquals(1, builds.size(), builds.toString());
    String[] build = builds.getFirst().split("\\|", -1);
    assertEquals(checkout.toString(), build[0], "the build runs in the checkout");
    assertTrue(isJdk25(Path.of(build[1])), "the build's JAVA_HOME is a JDK 25: " + build[1]);
    assertEquals("-q -B package -DskipTests -Dspotless.check.skip=true -pl cli -am", build[2]);

    // Nothing was written beside the links or in the working directory.
    for (Path dir : List.of(binA, binB, elsewhere)) {
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(
            dir.equals(elsewhere) ? List.of() : List.of(dir.resolve("cairn")),
            files.toList(),
            dir.toString());
      }
    }
  }

  @Test
  void buildsOnceAndAgainOnlyWhenASourceChanged() throws Exception {
    List<String> cairn = List.of(checkout.resolve("cairn").toString(), "engines");
    Run first = run(cairn);
    assertEquals(0, first.exitCode(), first.describe());
    Run second = run(cairn);
    assertEquals(0, second.exitCode(), second.describe());
    assertEquals("", second.err(), "an up-to-date build says nothing");
    assertEquals(1, Files.readAllLines(buildLog).size());

    Path stamp = checkout.resolve("cli/target/cairn-launcher.stamp");
    FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(stamp).toMillis() + 10_000);
    Files.setLastModifiedTime(checkout.resolve("cli/src/main/java/Source.java"), later);
    Run third = run(cairn);
    assertEquals(0, third.exitCode(), third.describe());
    assertTrue(third.err().contains("building the CLI"), third.describe());
    assertEquals(2, Files.readAllLines(buildLog).size());
  }

  /**
   * {@code cairn cluster} builds the replication module too (only then), and hands the CLI its
   * class path; other commands then run without building it again.
   */
  @Test
  void clusterBuildsReplicationAndPassesItsClassPath() throws Exception {
    Run cluster =
        run(List.of(checkout.resolve("cairn").toString(), "--verbose", "cluster", "status"));
    assertEquals(0, cluster.exitCode(), cluster.describe());
    assertEquals(
        "-q -B package -DskipTests -Dspotless.check.skip=true -pl cli,replication -am",
        Files.readAllLines(buildLog).getLast().split("\\|", -1)[2]);
    Path target = checkout.resolve("replication/target");
    assertTrue(
        cluster
            .out()
            .contains(
                "\ncluster "
                    + target.resolve("cairn-replication-0.1.0.jar")
                    + ":"
                    + target.resolve("lib")
                    + "/*\n"),
        cluster.describe());
    assertTrue(cluster.out().endsWith("args --verbose cluster status\n"), cluster.describe());

    Run again = run(List.of(checkout.resolve("cairn").toString(), "cluster", "status"));
    assertEquals("", again.err(), "an up-to-date build says nothing");
    Run engines = run(List.of(checkout.resolve("cairn").toString(), "engines"));
    assertEquals(0, engines.exitCode(), engines.describe());
    assertTrue(engines.out().contains("\ncluster null\n"), engines.describe());
    assertEquals(1, Files.readAllLines(buildLog).size(), "built once");
  }

  @Test
  void aFailedBuildShowsItsOutputAndExitsWithItsCode() throws Exception {
    Files.createFile(checkout.resolve("fail-the-build"));
    Run r = run(List.of(checkout.resolve("cairn").toString(), "engines"));
    assertEquals(7, r.exitCode(), r.describe());
    assertEquals("", r.out(), r.describe());
    assertTrue(r.err().contains("[ERROR] the build is broken"), r.describe());
    assertTrue(r.err().contains("cairn: the build failed"), r.describe());
  }

  @Test
  void theMavenWrapperFindsTheSameJdk25() throws Exception {
    Run r = run(List.of(REPOSITORY.resolve("mvnw").toString(), "--version"));
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.out().contains("Java version: 25"), r.describe());
    assertFalse(r.err().contains("the old JDK ran"), r.describe());
  }

  /** What a child process printed, and its exit code. */
  record Run(int exitCode, String out, String err) {
    String describe() {
      return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  /**
   * {@code command} run in another directory, with {@code JAVA_HOME} unset, the old JDK's {@code
   * java} first on {@code PATH}, and the test's home directory, where JDK 25 is in {@code ~/.jdks}.
   */
  private Run run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "out-", ".txt");
    Path err = Files.createTempFile(work, "err-", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(elsewhere.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    // Maven's own downloads stay where this build keeps them, outside the test's home.
    env.putIfAbsent("MAVEN_USER_HOME", Path.of(System.getProperty("user.home"), ".m2").toString());
    env.remove("JAVA_HOME");
    env.remove("XDG_CACHE_HOME");
    env.put("HOME", home.toString());
    env.put("PATH", oldJdk.resolve("bin") + ":/usr/bin:/bin");
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      fail("did not finish: " + command + "\n" + Files.readString(out) + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static boolean isJdk25(Path javaHome) throws IOException {
    Path release = javaHome.resolve("release");
    return Files.isRegularFile(release)
        && Files.readString(release).contains("JAVA_VERSION=\"25")
        && Files.isExecutable(javaHome.resolve("bin/javac"));
  }

  /** A module dev.cairn.cli whose Main prints the Java it runs on, the launcher and its args. */
  private Path fakeCliJar() throws IOException {
    Path src = Files.createDirectories(work.resolve("fake-cli/src/dev/cairn/cli"));
    Files.writeString(src.resolve("Main.java"), FAKE_MAIN);
    Path moduleInfo = work.resolve("fake-cli/src/module-info.java");
    Files.writeString(moduleInfo, "module dev.cairn.cli {}\n");
    Path classes = work.resolve("fake-cli/classes");
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
                  files.getJavaFileObjectsFromPaths(List.of(moduleInfo, src.resolve("Main.java"))))
              .call();
      assertTrue(ok, "the stand-in CLI compiles:\n" + diagnostics);
    }
    Path jar = work.resolve("fake-cli/cairn-cli.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static void copyExecutable(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    assertTrue(Files.isExecutable(to), to + " is executable");
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
