package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.EngineRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** put, get and delete against the durable test engine, one process-like run per command. */
class DataCommandsTest {

  @TempDir Path tmp;

  private String dir() {
    return tmp.resolve("store").toString();
  }

  private CliRun put(String key, String value, String... more) {
    String[] args = {"put", "--dir", dir(), "--engine", "testfile", key, value};
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return ok(CliRun.run(all));
  }

  private static CliRun ok(CliRun r) {
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    return r;
  }

  @Test
  void putThenGetPrintsTheValueAndReadsTheStoreMarker() {
    CliRun p = put("greeting", "hello, world");
    assertEquals("", p.out());
    assertEquals("", p.err());
    // No --engine: the runtime finds the engine from the directory.
    CliRun g = ok(CliRun.run("get", "--dir", dir(), "greeting"));
    assertEquals("hello, world", g.out().strip());
    assertEquals("", g.err());
  }

  @Test
  void putReplacesTheValue() {
    put("k", "one");
    put("k", "two");
    assertEquals("two", ok(CliRun.run("get", "--dir", dir(), "k")).out().strip());
  }

  @Test
  void textIsUtf8() {
    put("clé", "värde ✓");
    assertEquals("värde ✓", ok(CliRun.run("get", "--dir", dir(), "clé")).out().strip());
    assertEquals(
        "76c3a472646520e29c93",
        ok(CliRun.run("get", "--dir", dir(), "--hex", "636cc3a9")).out().strip());
  }

  @Test
  void hexGivesAndPrintsBytes() {
    put("00ff", "0x0102", "--hex");
    assertEquals("0102", ok(CliRun.run("get", "--dir", dir(), "--hex", "00FF")).out().strip());
  }

  @Test
  void badHexIsAUsageErrorNamingTheArgument() {
    CliRun r = CliRun.run("put", "--dir", dir(), "--engine", "testfile", "--hex", "abc", "zz");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("KEY 'abc' is not hexadecimal"), r.err());
    assertTrue(r.err().contains("odd number"), r.err());

    CliRun v = CliRun.run("put", "--dir", dir(), "--engine", "testfile", "--hex", "ab", "zz");
    assertEquals(ExitCodes.USAGE, v.exitCode(), v.describe());
    assertTrue(v.err().contains("VALUE 'zz' is not hexadecimal"), v.err());
  }

  @Test
  void getOfAMissingKeyExitsWithOneAndSaysSo() {
    put("a", "1");
    CliRun r = CliRun.run("get", "--dir", dir(), "b");
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode(), r.describe());
    assertEquals("", r.out());
    assertTrue(r.err().contains("key 'b' not found"), r.err());
  }

  @Test
  void deleteRemovesAndIsIdempotent() {
    put("a", "1");
    ok(CliRun.run("delete", "--dir", dir(), "a"));
    assertEquals(ExitCodes.NOT_FOUND, CliRun.run("get", "--dir", dir(), "a").exitCode());
    ok(CliRun.run("delete", "--dir", dir(), "a"));
  }

  @Test
  void durabilityIsCaseInsensitiveAndUnknownOnesAreUsageErrors() {
    put("a", "1", "--durability", "BUFFERED");
    put("b", "2", "--durability", "sync");
    ok(CliRun.run("delete", "--dir", dir(), "a", "--durability", "buffered"));

    CliRun r =
        CliRun.run(
            "put", "--dir", dir(), "--engine", "testfile", "c", "3", "--durability", "eventually");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("SYNC, BUFFERED"), r.err());
    assertTrue(r.err().contains("eventually"), r.err());
  }

  @Test
  void missingDirIsAUsageError() {
    CliRun r = CliRun.run("get", "k");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("--dir"), r.err());
  }

  @Test
  void missingKeyArgumentIsAUsageError() {
    CliRun r = CliRun.run("get", "--dir", dir());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("KEY"), r.err());
  }

  @Test
  void unknownEngineListsTheKnownOnes() {
    CliRun r = CliRun.run("put", "--dir", dir(), "--engine", "lsmx", "k", "v");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("lsmx"), r.err());
    assertTrue(r.err().contains("testfile"), "lists the installed engines\n" + r.err());
  }

  @Test
  void nonDurableEngineIsRefusedForADirectory() {
    CliRun r = CliRun.run("put", "--dir", dir(), "--engine", "scratch", "k", "v");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("'scratch' is not durable"), r.err());
  }

  @Test
  void unknownSettingIsAUsageError() {
    CliRun r =
        CliRun.run(
            "put", "--dir", dir(), "--engine", "testfile", "--setting", "speed=11", "k", "v");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("speed"), r.err());
  }

  @Test
  void readingADirectoryThatDoesNotExistIsAUsageError() {
    CliRun r = CliRun.run("get", "--dir", dir(), "k");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("does not exist"), r.err());
    CliRun d = CliRun.run("delete", "--dir", dir(), "k");
    assertEquals(ExitCodes.USAGE, d.exitCode(), d.describe());
  }

  @Test
  void readingADirectoryThatIsAFileSaysItIsAFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("afile"), "not a store");
    for (String command : new String[] {"get", "delete"}) {
      CliRun r = CliRun.run(command, "--dir", file.toString(), "k");
      assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
      assertTrue(r.err().contains(file + " is a file, not a directory"), r.err());
      assertFalse(r.err().contains("does not exist"), r.err());
    }
  }

  @Test
  void creatingAStoreUnderAFileNamesTheFileInPlainWords() throws Exception {
    Path file = Files.writeString(tmp.resolve("afile"), "not a store");
    CliRun r =
        CliRun.run(
            "put", "--dir", file.resolve("sub").toString(), "--engine", "testfile", "k", "v");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(
        r.err()
            .startsWith(
                "cairn put: cannot create a store at "
                    + file.resolve("sub")
                    + ": "
                    + file
                    + " is a file, not a directory"),
        r.err());
    assertFalse(r.err().contains("java."), "no exception class names\n" + r.err());

    CliRun same = CliRun.run("put", "--dir", file.toString(), "--engine", "testfile", "k", "v");
    assertEquals(ExitCodes.USAGE, same.exitCode(), same.describe());
    assertTrue(same.err().contains(file + " is a file, not a directory"), same.err());
  }

  @Test
  void aStoreWhoseCreationFailedLeavesNoDirectoryBehind() {
    Path dir = tmp.resolve("new").resolve("store");
    CliRun r =
        CliRun.run(
            "put",
            "--dir",
            dir.toString(),
            "--engine",
            "testfile",
            "-s",
            "fail-open=true",
            "k",
            "v");
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertFalse(Files.exists(tmp.resolve("new")), "created nothing that stays");
  }

  @Test
  void aSettingValueOfTheWrongTypeIsAUsageErrorNamingWhatItMustBe() {
    Path dir = tmp.resolve("typed");
    CliRun r =
        CliRun.run(
            "put",
            "--dir",
            dir.toString(),
            "--engine",
            "testfile",
            "-s",
            "cache.size=lots",
            "k",
            "v");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertEquals(
        "cairn put: invalid argument: engine 'testfile': setting 'cache.size' must be size in [0,"
            + " 1g], got 'lots'",
        r.err().strip());
    assertFalse(Files.exists(dir), "created nothing");
  }

  @Test
  void creatingAStoreWithoutAnEngineFailsListingTheEngines() {
    CliRun r = CliRun.run("put", "--dir", dir(), "k", "v");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("CAIRN-STORE"), r.err());
    assertTrue(r.err().contains("testfile"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace\n" + r.err());
  }

  @Test
  void aKeyOverTheLimitIsAUsageError() {
    CliRun r = CliRun.run("put", "--dir", dir(), "--engine", "testfile", "k".repeat(70_000), "v");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().startsWith("cairn put: invalid argument: "), r.err());
  }

  @Test
  void theWrongEngineForAStoreIsRefusedNamingBoth() {
    put("k", "v");
    EngineRegistry two =
        EngineRegistry.of(
            List.of(FileTestEngineProvider.durable(), FileTestEngineProvider.durable("other")));
    CliRun r = CliRun.run(two, "get", "--dir", dir(), "--engine", "other", "k");
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertTrue(r.err().startsWith("cairn get: incompatible store: "), r.err());
    assertTrue(r.err().contains("testfile") && r.err().contains("other"), r.err());
  }

  @Test
  void aNonDurableEngineIsRefusedForAnExistingStoreToo() {
    put("k", "v");
    CliRun r = CliRun.run("get", "--dir", dir(), "--engine", "scratch", "k");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
  }
}
