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

/** {@code cairn keyspaces} and the data commands' {@code --keyspace}. */
class KeyspacesCommandTest {

  private static final EngineRegistry ENGINES =
      EngineRegistry.of(
          List.of(FileTestEngineProvider.withKeyspaces(), FileTestEngineProvider.durable()));

  @TempDir Path tmp;

  private String dir() {
    return tmp.resolve("store").toString();
  }

  private static CliRun run(String... args) {
    return CliRun.run(ENGINES, args);
  }

  private void ok(CliRun r) {
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
  }

  private String lines(String... lines) {
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  @Test
  void keyspacesAreCreatedListedWrittenReadScannedAndDropped() {
    ok(run("put", "--dir", dir(), "--engine", "testspaces", "k", "in default"));
    CliRun created = run("keyspaces", "--dir", dir(), "--create", "users");
    ok(created);
    assertEquals(lines("default", "users"), created.out());

    ok(run("put", "--dir", dir(), "--keyspace", "users", "k", "in users"));
    ok(run("put", "--dir", dir(), "-k", "users", "j", "also"));
    CliRun get = run("get", "--dir", dir(), "--keyspace", "users", "k");
    ok(get);
    assertEquals(lines("in users"), get.out());
    CliRun getDefault = run("get", "--dir", dir(), "k");
    assertEquals(lines("in default"), getDefault.out());
    CliRun explicitDefault = run("get", "--dir", dir(), "--keyspace", "default", "k");
    assertEquals(lines("in default"), explicitDefault.out());
    CliRun scan = run("scan", "--dir", dir(), "--keyspace", "users");
    assertEquals(lines("j\talso", "k\tin users"), scan.out());

    ok(run("delete", "--dir", dir(), "--keyspace", "users", "k"));
    CliRun gone = run("get", "--dir", dir(), "--keyspace", "users", "k");
    assertEquals(ExitCodes.NOT_FOUND, gone.exitCode(), gone.describe());
    assertEquals(
        "cairn get: key 'k' not found in keyspace 'users' of " + dir(), gone.err().strip());

    CliRun dropped = run("keyspaces", "--dir", dir(), "--drop", "users", "--json");
    ok(dropped);
    assertEquals("[ \"default\" ]", dropped.out().strip());
    assertFalse(Files.exists(tmp.resolve("store/keyspace-users.txt")), "dropped on disk");
  }

  @Test
  void aKeyspaceThatDoesNotExistIsNamedWithThoseThatDo() {
    ok(run("put", "--dir", dir(), "--engine", "testspaces", "k", "v"));

    CliRun r = run("put", "--dir", dir(), "--keyspace", "nope", "k", "v");

    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertEquals(
        "cairn put: invalid argument: no keyspace 'nope' in the store at "
            + dir()
            + "; it has [default] (create one with 'cairn keyspaces --dir DIR --create NAME')",
        r.err().strip());
    CliRun bad = run("get", "--dir", dir(), "--keyspace", "no spaces", "k");
    assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.describe());
    assertTrue(bad.err().contains("invalid keyspace name 'no spaces'"), bad.err());
  }

  @Test
  void anEngineWithoutKeyspacesRefusesANamedOneButServesTheDefault() {
    ok(run("put", "--dir", dir(), "--engine", "testfile", "k", "v"));

    CliRun put = run("put", "--dir", dir(), "--keyspace", "users", "k", "v");
    CliRun create = run("keyspaces", "--dir", dir(), "--create", "users");
    CliRun list = run("keyspaces", "--dir", dir());
    CliRun getDefault = run("get", "--dir", dir(), "--keyspace", "default", "k");

    assertEquals(ExitCodes.STORAGE, put.exitCode(), put.describe());
    assertEquals(
        "cairn put: unsupported: --keyspace users needs a store with keyspaces, and the store at "
            + dir()
            + " has only its default one: its engine does not declare KEYSPACES (see 'cairn"
            + " engines')",
        put.err().strip());
    assertEquals(ExitCodes.STORAGE, create.exitCode(), create.describe());
    assertTrue(create.err().contains("--create users needs a store with keyspaces"), create.err());
    ok(list);
    assertEquals(lines("default"), list.out());
    assertEquals(lines("v"), getDefault.out());
  }

  @Test
  void createAndDropAreExclusiveAndDefaultCannotBeDropped() {
    ok(run("put", "--dir", dir(), "--engine", "testspaces", "k", "v"));

    CliRun both = run("keyspaces", "--dir", dir(), "--create", "a", "--drop", "b");
    CliRun dropDefault = run("keyspaces", "--dir", dir(), "--drop", "default");
    CliRun twice = run("keyspaces", "--dir", dir(), "--create", "a");
    CliRun again = run("keyspaces", "--dir", dir(), "--create", "a");

    assertEquals(ExitCodes.USAGE, both.exitCode(), both.describe());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    assertEquals(ExitCodes.USAGE, dropDefault.exitCode(), dropDefault.describe());
    assertTrue(dropDefault.err().contains("cannot be dropped"), dropDefault.err());
    ok(twice);
    assertEquals(ExitCodes.USAGE, again.exitCode(), again.describe());
    assertTrue(again.err().contains("keyspace 'a' exists"), again.err());
  }
}
