package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code docs/cli.md} and the CLI cannot drift apart: the documented commands are run, and the
 * documented command table and options are checked against the commands themselves.
 *
 * <p>How the examples are read: in each fenced block, a line {@code $ ./cairn ARGS} is a command,
 * run in this JVM over the installed engines; the lines after it, up to the next {@code $} line or
 * the end of the block, are what it prints (standard output and standard error, each in its order),
 * where {@code ...} stands for any text and a line of only {@code ...} for any lines. A trailing
 * {@code (exit N)} gives the exit code; without one it is 0. A command without lines after it is
 * only checked for its exit code. Each block runs in a fresh directory that stands for {@code
 * /tmp/}. {@code $} lines that do not start with {@code ./cairn} (building an engine elsewhere) are
 * skipped with their output; of a pipeline only the {@code cairn} part runs (into {@code jq}, its
 * output must be JSON).
 */
class CliDocumentationTest {

  private static final Path DOC = Path.of("..", "docs", "cli.md");
  private static final Pattern EXIT = Pattern.compile("\\s+\\(exit (\\d+)\\)$");

  @TempDir Path tmp;

  /** One documented command, where the doc has it, and what the doc says it prints. */
  record Example(int line, int block, String command, List<String> expected, int exitCode) {}

  static List<Example> examples(List<String> doc) {
    List<Example> examples = new ArrayList<>();
    boolean inBlock = false;
    int block = 0;
    Example pending = null;
    for (int i = 0; i < doc.size(); i++) {
      String line = doc.get(i);
      if (line.startsWith("```")) {
        inBlock = !inBlock;
        block++;
        pending = add(examples, pending);
        continue;
      }
      if (!inBlock) {
        continue;
      }
      if (line.startsWith("$ ")) {
        pending = add(examples, pending);
        pending = new Example(i + 1, block, line.substring(2), new ArrayList<>(), 0);
      } else if (pending != null) {
        Matcher exit = EXIT.matcher(line);
        if (exit.find()) {
          pending =
              new Example(
                  pending.line(),
                  pending.block(),
                  pending.command(),
                  pending.expected(),
                  Integer.parseInt(exit.group(1)));
          line = line.substring(0, exit.start());
        }
        pending.expected().add(line.stripTrailing());
      }
    }
    add(examples, pending);
    return examples.stream().filter(e -> e.command().startsWith("./cairn ")).toList();
  }

  private static Example add(List<Example> examples, Example pending) {
    if (pending != null) {
      examples.add(pending);
    }
    return null;
  }

  @TestFactory
  List<DynamicTest> theDocumentedCommandsDoWhatTheDocSays() throws IOException {
    List<Example> examples = examples(Files.readAllLines(DOC));
    assertTrue(examples.size() >= 15, "the doc's examples were found: " + examples.size());
    List<DynamicTest> tests = new ArrayList<>();
    Map<Integer, Path> dirs = new java.util.HashMap<>();
    for (Example e : examples) {
      tests.add(
          DynamicTest.dynamicTest(
              "docs/cli.md:" + e.line() + ": " + e.command(),
              () -> {
                Path dir =
                    dirs.computeIfAbsent(e.block(), b -> tmp.resolve("block" + b).toAbsolutePath());
                Files.createDirectories(dir);
                run(e, dir);
              }));
    }
    return tests;
  }

  private static void run(Example e, Path dir) throws IOException {
    String tmpPrefix = dir + "/";
    List<String> words = ShellWords.split(e.command().replace("/tmp/", tmpPrefix));
    int pipe = words.indexOf("|");
    List<String> consumer = pipe < 0 ? List.of() : words.subList(pipe + 1, words.size());
    List<String> cairn = pipe < 0 ? words : words.subList(0, pipe);
    assertEquals("./cairn", cairn.getFirst());
    CliRun r =
        CliRun.run(new CairnCommand(), cairn.subList(1, cairn.size()).toArray(String[]::new));
    String where = "docs/cli.md:" + e.line() + ": " + e.command() + "\n" + r.describe();
    assertEquals(e.exitCode(), r.exitCode(), where);
    if (!consumer.isEmpty() && consumer.getFirst().equals("jq")) {
      new ObjectMapper().readTree(r.out()); // throws unless JSON
    }
    if (e.expected().isEmpty()) {
      return;
    }
    List<String> expected = e.expected().stream().map(l -> l.replace("/tmp/", tmpPrefix)).toList();
    if (!Printed.matches(expected, r.out().lines().toList(), r.err().lines().toList())) {
      fail("does not print what the doc says:\n" + String.join("\n", expected) + "\n" + where);
    }
  }

  /** Documented output against what was printed. */
  static final class Printed {

    private Printed() {}

    /**
     * Whether {@code expected} is {@code out} and {@code err} interleaved, each in its order; a
     * line {@code ...} stands for any lines, and {@code ...} in a line for any text.
     */
    static boolean matches(List<String> expected, List<String> out, List<String> err) {
      return matches(expected, 0, out, 0, err, 0);
    }

    private static boolean matches(
        List<String> expected, int e, List<String> out, int o, List<String> err, int r) {
      if (e == expected.size()) {
        return o == out.size() && r == err.size();
      }
      String want = expected.get(e);
      if (want.strip().equals("...")) {
        for (int skipOut = o; skipOut <= out.size(); skipOut++) {
          for (int skipErr = r; skipErr <= err.size(); skipErr++) {
            if (matches(expected, e + 1, out, skipOut, err, skipErr)) {
              return true;
            }
          }
        }
        return false;
      }
      return (o < out.size()
              && line(want, out.get(o))
              && matches(expected, e + 1, out, o + 1, err, r))
          || (r < err.size()
              && line(want, err.get(r))
              && matches(expected, e + 1, out, o, err, r + 1));
    }

    private static boolean line(String want, String got) {
      StringBuilder regex = new StringBuilder();
      String[] parts = want.strip().split("\\.\\.\\.", -1);
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          regex.append(".*");
        }
        regex.append(Pattern.quote(parts[i]));
      }
      return got.strip().matches(regex.toString());
    }
  }

  @Test
  void theMatcherOfPrintedOutputIsStrictWhereItShouldBe() {
    assertTrue(Printed.matches(List.of("a", "b"), List.of("a"), List.of("b")));
    assertTrue(Printed.matches(List.of("b", "a"), List.of("a"), List.of("b")));
    assertTrue(Printed.matches(List.of("x ... z"), List.of("x y z"), List.of()));
    assertTrue(Printed.matches(List.of("a", "...", "d"), List.of("a", "b", "c", "d"), List.of()));
    assertTrue(!Printed.matches(List.of("a"), List.of("a", "b"), List.of()), "every line shown");
    assertTrue(!Printed.matches(List.of("a", "b"), List.of("b", "a"), List.of()), "in order");
    assertTrue(!Printed.matches(List.of("x.z"), List.of("xyz"), List.of()), "no regex");
  }

  @Test
  void theExamplesAreReadAsDocumented() {
    List<String> doc =
        List.of(
            "text",
            "$ ./cairn not-in-a-block",
            "```",
            "$ ./cairn get --dir /tmp/s k",
            "v",
            "$ other command",
            "out",
            "$ ./cairn get --dir /tmp/s nokey",
            "cairn get: key 'nokey' not found     (exit 1)",
            "```");
    List<Example> examples = examples(doc);
    assertEquals(2, examples.size(), examples.toString());
    assertEquals(new Example(4, 1, "./cairn get --dir /tmp/s k", List.of("v"), 0), examples.get(0));
    assertEquals(
        new Example(
            8, 1, "./cairn get --dir /tmp/s nokey", List.of("cairn get: key 'nokey' not found"), 1),
        examples.get(1));
    assertEquals(
        List.of("./cairn", "put", "k", "hello, world", "it's", "a\\b", "|", "jq"),
        ShellWords.split("./cairn put k 'hello, world' \"it's\" a\\\\b | jq"));
  }

  /** Each row of the command table names a command that exists, with options it has. */
  @Test
  void theCommandTableMatchesTheCommands() throws IOException {
    CommandLine cli = CairnCommand.commandLine(new CairnCommand());
    Set<String> documented = new TreeSet<>();
    Pattern row = Pattern.compile("^\\| `cairn ([a-z][a-z-]*)([^`]*)`");
    for (String line : Files.readAllLines(DOC)) {
      Matcher m = row.matcher(line);
      if (!m.find()) {
        continue;
      }
      String name = m.group(1);
      documented.add(name);
      CommandLine sub = cli.getSubcommands().get(name);
      assertTrue(sub != null, "docs/cli.md lists 'cairn " + name + "', which does not exist");
      Matcher option = Pattern.compile("--[a-z][a-z-]*").matcher(m.group(2));
      while (option.find()) {
        assertTrue(
            sub.getCommandSpec().findOption(option.group()) != null,
            "docs/cli.md gives 'cairn " + name + "' the option " + option.group());
      }
    }
    assertEquals(new TreeSet<>(cli.getSubcommands().keySet()), documented, "every command listed");
  }

  /**
   * Every option of every command is documented: in docs/cli.md, or, for {@code certify} and {@code
   * bench}, in the document docs/cli.md points to for them.
   */
  @Test
  void everyOptionIsDocumented() throws IOException {
    String cli = Files.readString(DOC);
    Map<String, String> elsewhere =
        Map.of(
            "certify", Files.readString(DOC.resolveSibling("certification.md")),
            "bench", Files.readString(DOC.resolveSibling("benchmarks.md")));
    Set<String> missing = new LinkedHashSet<>();
    CommandLine root = CairnCommand.commandLine(new CairnCommand());
    for (CommandLine sub : root.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      String docs = cli + elsewhere.getOrDefault(spec.name(), "");
      for (OptionSpec o : spec.options()) {
        String longest = o.longestName();
        if (!Pattern.compile(Pattern.quote(longest) + "(?![a-z-])").matcher(docs).find()) {
          missing.add(spec.name() + " " + longest);
        }
      }
    }
    assertEquals(Set.of(), missing, "options the docs do not mention");
  }
}
