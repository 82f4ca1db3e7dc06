package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Help;

/**
 * {@code --wait} on the read commands: a hash store held by a writer (here in this JVM, which the
 * engine refuses as it refuses another process) is read once the writer closes it.
 */
class WaitOptionTest {

  @TempDir Path tmp;

  private Path dir;

  @BeforeEach
  void create() {
    dir = tmp.resolve("store");
    try (StorageEngine s = Cairn.store(dir).engine("hash").createIfMissing(true).open()) {
      s.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
      s.flush();
    }
  }

  private StorageEngine writer() {
    return Cairn.store(dir).defaultDurability(Durability.SYNC).open();
  }

  private String[] args(String command, String... options) {
    List<String> all = new java.util.ArrayList<>(List.of(command, "--dir", dir.toString()));
    all.addAll(List.of(options));
    if (command.equals("get")) {
      all.add("k");
    }
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @ValueSource(strings = {"get", "scan", "check"})
  void withoutWaitALockedStoreFailsAtOnceSayingHowToWait(String command) {
    try (StorageEngine _ = writer()) {
      CliRun r = CliRun.run(EngineRegistry.discover(), args(command));
      assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
      assertTrue(r.err().startsWith("cairn " + command + ": store locked: store at "), r.err());
      assertTrue(
          r.err().strip().endsWith("add --wait[=DURATION] to wait until it is free"), r.err());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"get", "scan", "check"})
  void waitRetriesUntilTheWriterCloses(String command) throws Exception {
    Run r = runWhileHeld(true, args(command, "--wait=60s"));
    assertEquals(ExitCodes.OK, r.exitCode, r.describe());
    List<String> err = r.err.lines().toList();
    assertEquals(1, err.size(), "one line, printed once\n" + r.err);
    assertTrue(err.getFirst().startsWith("cairn " + command + ": store locked: store at "), r.err);
    assertTrue(
        err.getFirst().contains("is already open in this process"), "what it said\n" + r.err);
    assertTrue(err.getFirst().endsWith("; waiting up to 60s for it to be free"), r.err);
    assertTrue(r.out.contains(command.equals("check") ? "is consistent: 1 key;" : "v"), r.out);
  }

  @Test
  void waitWithoutADurationWaitsWithoutLimit() throws Exception {
    Run r = runWhileHeld(true, "get", "--dir", dir.toString(), "--wait", "k");
    assertEquals(ExitCodes.OK, r.exitCode, r.describe());
    assertEquals("v", r.out.strip());
    assertTrue(r.err.strip().endsWith("; waiting for it to be free (no time limit)"), r.err);
  }

  @Test
  void waitGivesUpWhenTheDurationHasPassed() throws Exception {
    Run r = runWhileHeld(false, args("get", "--wait=300ms"));
    assertEquals(ExitCodes.STORAGE, r.exitCode, r.describe());
    List<String> err = r.err.lines().toList();
    assertEquals(2, err.size(), r.err);
    assertTrue(err.get(0).endsWith("; waiting up to 300ms for it to be free"), r.err);
    assertTrue(err.get(1).startsWith("cairn get: store locked: store at "), r.err);
    assertTrue(err.get(1).endsWith("; gave up after waiting 300ms"), r.err);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--wait=soon", "--wait=", "--wait=-1s", "--wait=5", "--wait=1.5s"})
  void aBadDurationIsAUsageError(String option) {
    CliRun r = CliRun.run(EngineRegistry.discover(), args("get", option));
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("--wait"), r.err());
    assertTrue(r.err().contains("500ms, 30s, 5m or 1h"), r.err());
  }

  @Test
  void aDurationIsAcceptedInEveryUnitAndInIsoForm() {
    for (String d : new String[] {"0s", "250ms", "1m", "2h", "PT0.5S"}) {
      CliRun r = CliRun.run(EngineRegistry.discover(), args("get", "--wait=" + d));
      assertEquals(ExitCodes.OK, r.exitCode(), d + "\n" + r.describe());
      assertEquals("", r.err(), "a free store is opened without a word");
    }
  }

  private record Run(int exitCode, String out, String err) {
    String describe() {
      return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  /**
   * Runs {@code args} while a writer holds the store; when {@code release}, the writer closes a
   * moment after the command said it is waiting, else only after the command returned.
   */
  private Run runWhileHeld(boolean release, String... args) throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    StringWriter out = new StringWriter();
    StringWriter err =
        new StringWriter() {
          @Override
          public void flush() {
            if (toString().contains("waiting")) {
              waiting.countDown();
            }
          }
        };
    StorageEngine w = writer();
    Thread releaser =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    if (release && waiting.await(60, TimeUnit.SECONDS)) {
                      Thread.sleep(200); // at least one retry finds it still held
                      w.close();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    try {
      CommandLine cmd = CairnCommand.commandLine(new CairnCommand(EngineRegistry.discover()));
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      cmd.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
      int code = cmd.execute(args);
      return new Run(code, out.toString(), err.toString());
    } finally {
      waiting.countDown();
      releaser.join();
      w.close();
    }
  }
}
