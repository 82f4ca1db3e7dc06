package dev.cairn.conformance.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash failure's Maven replay command uses the project's wrapper only when it has one. */
public class CrashReplayCommandTest {

  /** Creates the test. */
  public CrashReplayCommandTest() {}

  @Test
  public void mvnWithoutAWrapperTheWrapperWithOne(@TempDir Path project) throws Exception {
    Path module = Files.createDirectories(project.resolve("engine"));
    assertEquals("mvn", CrashRun.maven(module));
    Files.createFile(project.resolve("mvnw"));
    assertEquals("./mvnw", CrashRun.maven(module));
  }
}
