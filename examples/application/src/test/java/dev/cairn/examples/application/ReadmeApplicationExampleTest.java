package dev.cairn.examples.application;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Using Cairn from an application", done as a reader does it, from the README's own
 * text: its Java blocks are written to the files their first line names, compiled with the JDK's
 * compiler against the module path Maven resolves for the README's dependencies (this module's),
 * and run with the README's {@code java} command, whose output must be the README's.
 */
class ReadmeApplicationExampleTest {

  private static final String SECTION = "## Using Cairn from an application";
  private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```$");
  private static final Pattern FILE_NAME = Pattern.compile("^// (src/\\S+\\.java)\\n");

  @TempDir Path project;

  @Test
  void theReadmeExampleCompilesRunsAndPrintsWhatTheReadmeSays() throws Exception {
    List<Block> blocks = blocks(section(Files.readString(readme())));

    List<Path> sources = new ArrayList<>();
    for (Block b : blocks) {
      if (b.language().equals("java")) {
        Matcher name = FILE_NAME.matcher(b.text());
        assertTrue(name.lookingAt(), "a Java block starts with // <its file>:\n" + b.text());
        Path source = project.resolve(name.group(1));
        Files.createDirectories(source.getParent());
        Files.writeString(source, b.text());
        sources.add(source);
      }
    }
    assertEquals(2, sources.size(), "module-info.java and the program: " + sources);

    List<Path> modulePath = applicationModulePath();
    compile(sources, modulePath, project.resolve("target/classes"));
    // What `mvn dependency:copy-dependencies -DoutputDirectory=target/mods` leaves there.
    Path mods = Files.createDirectories(project.resolve("target/mods"));
    for (Path p : modulePath) {
      copy(p, mods.resolve(Files.isDirectory(p) ? name(p) : p.getFileName().toString()));
    }

    int sh = indexOf(blocks, "sh");
    List<String> command = javaCommand(blocks.get(sh).text());
    assertTrue(sh + 1 < blocks.size(), "the README shows what the program prints, after the run");
    Block printed = blocks.get(sh + 1);
    assertEquals("", printed.language(), "the output block has no language: " + printed);

    Run run = run(command);
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(printed.text(), run.out(), run.describe());
    // NB: with the README's flags, RocksDB's native access draws no warning, and nothing else does.
    assertEquals("", run.err(), run.describe());
  }

  /** A fenced block of the README: its language tag ("" when none) and its text. */
  record Block(String language, String text) {}

  /** What the child process printed, and its exit code. */
  record Run(List<String> command, int exitCode, String out, String err) {
    String describe() {
      return String.join(" ", command)
          + "\nexit "
          + exitCode
          + "\n--- out:\n"
          + out
          + "--- err:\n"
          + err;
    }
  }

  private static Path readme() {
    return Path.of(System.getProperty("cairn.readme", "../../README.md"));
  }

  private static String section(String readme) {
    int start = readme.indexOf("\n" + SECTION + "\n");
    assertTrue(start >= 0, "README.md has the section " + SECTION);
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static List<Block> blocks(String section) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = FENCE.matcher(section);
    while (m.find()) {
      blocks.add(new Block(m.group(1), m.group(2)));
    }
    return blocks;
  }

  private static int indexOf(List<Block> blocks, String language) {
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i).language().equals(language)) {
        return i;
      }
    }
    throw new AssertionError("the section has no ```" + language + " block: " + blocks);
  }

  /**
   * The README's {@code java ...} line, split at spaces (it quotes nothing), run by this JVM's
   * {@code java}.
   */
  private static List<String> javaCommand(String shell) {
    String line =
        shell
            .lines()
            .filter(l -> l.startsWith("java "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no java command in\n" + shell));
    List<String> command = new ArrayList<>(Arrays.asList(line.trim().split(" +")));
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return command;
  }

  /** The jars (or, built in one reactor, class directories) of the README's dependencies. */
  private static List<Path> applicationModulePath() throws IOException {
    Path file = Path.of(System.getProperty("cairn.example.module-path"));
    String path = Files.readString(file).trim();
    assertTrue(!path.isEmpty(), file + " lists the application's dependencies");
    return Stream.of(path.split(File.pathSeparator)).map(Path::of).toList();
  }

  /** A name in target/mods for a class directory such as runtime/target/classes: "runtime". */
  private static String name(Path classes) {
    return classes.getParent().getParent().getFileName().toString();
  }

  private static void compile(List<Path> sources, List<Path> modulePath, Path out)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    List<String> options =
        List.of(
            "--module-path",
            String.join(File.pathSeparator, modulePath.stream().map(Path::toString).toList()),
            "-d",
            out.toString(),
            "-Xlint:all",
            "-Werror");
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
      boolean ok =
          javac
              .getTask(
                  diagnostics,
                  files,
                  null,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      assertTrue(ok, "the README's program compiles with -Xlint:all -Werror:\n" + diagnostics);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private Run run(List<String> command) throws IOException, InterruptedException {
    Path out = project.resolve("out.txt");
    Path err = project.resolve("err.txt");
    Process p =
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      fail("did not finish: " + command + "\n" + Files.readString(out) + Files.readString(err));
    }
    return new Run(command, p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
