package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certification of an engine from outside the repository, as its author runs it: the test writes
 * the sources of a small engine ({@code src/test/resources/third-party-engine}) into a temporary
 * directory, compiles them against the SPI with the JDK's compiler, packs them into a modular jar
 * and into a plain one, and certifies them with {@code cairn certify --module-path}, in a child JVM
 * started as docs/cli.md says ({@code java --module-path ... -m dev.cairn.cli/dev.cairn.cli.Main}).
 *
 * <p>The modular jar provides two engines: {@code treemap}, correct, and {@code treemap-lossy},
 * whose deletes of the greatest key do nothing. Each is certified with the other installed beside
 * it, as well as cairn's own engines.
 */
class ThirdPartyCertificationTest {

  private static final String SOURCES = "/third-party-engine/";
  private static final List<String> SOURCE_FILES =
      List.of(
          "com/example/treemap/TreeMapProvider.java",
          "com/example/treemap/LossyTreeMapProvider.java",
          "com/example/treemap/TreeMapEngine.java",
          "com/example/treemap/TreeMapCursor.java");
  private static final String SERVICES =
      "META-INF/services/" + StorageEngineProvider.class.getName();
  private static final Pattern REPLAY = Pattern.compile("(?m)^\\s*replay: (.*)$");

  @TempDir static Path work;

  private static Path modularJar;
  private static Path plainJar;

  @BeforeAll
  static void buildTheEngineOutsideTheRepository() throws IOException {
    Path src = work.resolve("src");
    for (String f : SOURCE_FILES) {
      copyResource(f, src.resolve(f));
    }
    copyResource("module-info.java", src.resolve("module-info.java"));
    Path spi = location(StorageEngineProvider.class);

    Path modular = work.resolve("classes-modular");
    List<Path> withModuleInfo = new ArrayList<>();
    withModuleInfo.add(src.resolve("module-info.java"));
    SOURCE_FILES.forEach(f -> withModuleInfo.add(src.resolve(f)));
    compile(withModuleInfo, List.of("--module-path", spi.toString()), modular);
    modularJar = jar(modular, work.resolve("jars").resolve("example-treemap-1.0.0.jar"), null);

    // A plain jar: no module-info, the providers listed for ServiceLoader.
    Path plain = work.resolve("classes-plain");
    compile(
        SOURCE_FILES.stream().map(src::resolve).toList(),
        List.of("--class-path", spi.toString()),
        plain);
    plainJar =
        jar(
            plain,
            work.resolve("plain").resolve("treemap-plain-1.0.0.jar"),
            "com.example.treemap.TreeMapProvider\ncom.example.treemap.LossyTreeMapProvider\n");
  }

  @Test
  void certifiesAModularEngineJarFromItsModulePath() throws Exception {
    Path report = work.resolve("treemap.json");
    Run r =
        cairn(
            work,
            "certify",
            "--module-path",
            modularJar.toString(),
            "--engine",
            "treemap",
            "--report",
            report.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(
        r.out().contains("certifying engine 'treemap' 1.0.0 (SPI 1.2")
            && r.out().contains("from " + modularJar),
        r.describe());
    assertTrue(r.out().contains("CERTIFIED: "), r.describe());
    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertTrue(json.at("/certified").asBoolean(), json.toPrettyString());
    assertEquals("treemap", json.at("/engine/name").asText(), json.toPrettyString());
    assertEquals(
        "[\"ORDERED_SCANS\",\"ATOMIC_BATCHES\"]",
        json.at("/capabilities/verified").toString(),
        json.toPrettyString());
    assertEquals(0, json.at("/totals/failed").asInt(), json.toPrettyString());
    assertEquals(16, json.at("/groups").size(), json.toPrettyString());
    // The cross-engine comparison ran, with treemap-lossy and cairn's engines installed beside it:
    // 20 sequences against the model, and one diffed across the installed engines.
    assertEquals(21, json.at("/groups/model-based/passed").asInt(), json.toPrettyString());
  }

  @Test
  void aBrokenEngineFailsWithAReplayLineThatWorksFromAnyDirectory() throws Exception {
    Run r =
        cairn(
            work,
            "certify",
            "--module-path",
            modularJar.toString(),
            "--engine",
            "treemap-lossy",
            "--group",
            "model-based");
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode(), r.describe());
    assertTrue(r.out().contains("NOT CERTIFIED"), r.describe());
    // NB: several tests of the group may fail (which ones depends on the run's seeds); take the
    // replay line of a seeded sequence.
    Matcher m = REPLAY.matcher(r.out());
    String replay = null;
    while (replay == null && m.find()) {
      if (m.group(1).contains(" --seed ")) {
        replay = m.group(1);
      }
    }
    assertTrue(replay != null, "a replay line with a seed\n" + r.describe());
    assertFalse(replay.contains("mvnw"), replay);
    assertTrue(
        replay.contains(
            " certify --module-path "
                + modularJar
                + " --engine treemap-lossy --group model-based --seed "),
        replay);
    String seed = replay.substring(replay.lastIndexOf(' ') + 1);

    // Pasted into a shell in another directory, the line replays that seed alone, and fails again.
    Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
    Run again = run(elsewhere, List.of("/bin/sh", "-c", replay));
    assertEquals(ExitCodes.NOT_FOUND, again.exitCode(), again.describe());
    assertTrue(again.out().contains("seed " + seed), again.describe());
    assertTrue(again.out().contains("NOT CERTIFIED"), again.describe());
  }

  @Test
  void aPlainJarIsLoadedAsAnAutomaticModule() {
    CliRun r =
        CliRun.run(
            new CairnCommand(),
            "certify",
            "--module-path",
            plainJar.getParent().toString(),
            "--engine",
            "treemap",
            "-g",
            "basic",
            "-g",
            "cursors");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(r.out().contains("from " + plainJar), r.describe());
    assertTrue(r.out().contains("CERTIFIED: "), r.describe());
  }

  @Test
  void anEngineTheModulePathDoesNotHoldIsAUsageErrorNamingWhatItHolds() {
    CliRun r =
        CliRun.run(
            new CairnCommand(),
            "certify",
            "--module-path",
            modularJar.toString(),
            "--engine",
            "treemap-typo");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(
        r.err().contains("treemap-lossy") && r.err().contains("[com.example.treemap]"),
        r.describe());
  }

  @Test
  void aMissingModulePathEntryIsAUsageErrorNamingIt() {
    Path missing = work.resolve("no-such.jar");
    CliRun r =
        CliRun.run(
            new CairnCommand(),
            "certify",
            "--module-path",
            missing.toString(),
            "--engine",
            "treemap");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains(missing + " does not exist"), r.describe());
  }

  /** What a child process printed, and its exit code. */
  record Run(int exitCode, String out, String err) {
    String describe() {
      return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  /**
   * {@code cairn ARGS} in a child JVM started in {@code dir} with docs/cli.md's java command, the
   * module path being this JVM's (the CLI and its dependencies). NB: Surefire leaves on the class
   * path the jars no module requires by name (micrometer's commons, which the automatic module
   * micrometer.core needs), so the child gets this JVM's class path too.
   */
  private static Run cairn(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--class-path");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("--module-path");
    cmd.add(System.getProperty("jdk.module.path"));
    cmd.add("--add-modules");
    cmd.add("ALL-MODULE-PATH");
    cmd.add("-m");
    cmd.add("dev.cairn.cli/dev.cairn.cli.Main");
    cmd.addAll(List.of(args));
    return run(dir, cmd);
  }

  private static Run run(Path dir, List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "out-", ".txt");
    Path err = Files.createTempFile(work, "err-", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      fail("timed out: " + cmd + "\n" + Files.readString(out) + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void copyResource(String name, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (InputStream in = ThirdPartyCertificationTest.class.getResourceAsStream(SOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + SOURCES + name);
      }
      Files.copy(in, target);
    }
  }

  /** The jar or directory {@code type}'s module was loaded from. */
  private static Path location(Class<?> type) {
    Module m = type.getModule();
    return m.getLayer()
        .configuration()
        .findModule(m.getName())
        .map(ResolvedModule::reference)
        .flatMap(ModuleReference::location)
        .map(Path::of)
        .orElseThrow(() -> new IllegalStateException("where is " + m + " from?"));
  }

  private static void compile(List<Path> sources, List<String> options, Path out)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of("-d", out.toString(), "-Xlint:all", "-Werror"));
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      boolean ok =
          javac
              .getTask(
                  diagnostics, files, null, all, null, files.getJavaFileObjectsFromPaths(sources))
              .call();
      assertTrue(ok, "the engine compiles:\n" + diagnostics);
    }
  }

  /** Packs {@code classes} into {@code jar}, with a services file listing {@code services}. */
  private static Path jar(Path classes, Path jar, String services) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
      if (services != null) {
        out.putNextEntry(new JarEntry(SERVICES));
        out.write(services.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }
}
