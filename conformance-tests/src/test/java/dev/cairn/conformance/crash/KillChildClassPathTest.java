package dev.cairn.conformance.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kill test's child JVM gets a class path that reads every jar of the parent's module path. */
public class KillChildClassPathTest {

  /** Creates the test. */
  public KillChildClassPathTest() {}

  @Test
  public void aDirectoryOfJarsOnTheModulePathIsReadThroughAWildcard(@TempDir Path lib)
      throws Exception {
    Files.createFile(lib.resolve("engine.jar"));
    Path jar = lib.resolveSibling("single.jar");
    String cp =
        ProcessKillCampaign.classPath(
            LogTestEngineProvider.class, lib + File.pathSeparator + jar, "extra.jar");
    List<String> entries = List.of(cp.split(File.pathSeparator));
    assertTrue(entries.contains(lib.resolve("*").toString()), cp);
    assertTrue(entries.contains(jar.toString()), cp);
    assertTrue(entries.contains("extra.jar"), cp);
    assertTrue(
        entries.contains(ProcessKillCampaign.locate(LogTestEngineProvider.class)),
        "the provider's own classes: " + cp);
  }
}
