package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay command a model-based failure prints when run by Maven: the project's own wrapper when
 * it has one, plain {@code mvn} when it has none (an engine author's project need not have one).
 */
class MavenReplayCommandTest {

  @Test
  void aProjectWithoutAWrapperReplaysWithMvnFromItsModule(@TempDir Path project) {
    assertEquals(
        "mvn test -Dtest=ExampleConformanceTest -Dcairn.seed={seed}",
        SuiteConfiguration.mavenCommand("ExampleConformanceTest", project));
  }

  @Test
  void aProjectWithAWrapperReplaysWithItFromItsRoot(@TempDir Path project) throws Exception {
    Files.createFile(project.resolve("mvnw"));
    Path module = Files.createDirectories(project.resolve("engines").resolve("example"));
    assertEquals(
        "./mvnw -pl engines/example test -Dtest=ExampleConformanceTest -Dcairn.seed={seed}",
        SuiteConfiguration.mavenCommand("ExampleConformanceTest", module));
  }
}
