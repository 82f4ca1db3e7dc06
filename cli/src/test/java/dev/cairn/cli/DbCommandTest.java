package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.EngineRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn db} and the data commands' {@code --db}. */
class DbCommandTest {

  private static final EngineRegistry ENGINES =
      EngineRegistry.of(
          List.of(FileTestEngineProvider.withKeyspaces(), FileTestEngineProvider.durable()));

  @TempDir Path tmp;

  private String db() {
    return tmp.resolve("db").toString();
  }

  private static CliRun run(String... args) {
    return CliRun.run(ENGINES, args);
  }

  private static void ok(CliRun r) {
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
  }

  @Test
  void aDatabaseIsCreatedListedAddedToAndItsKeyspacesReadAndWritten() {
    CliRun created = run("db", "create", db(), "users:testfile", "orders:testspaces");
    ok(created);
    assertTrue(created.out().startsWith("orders  testspaces  "), created.out());
    assertTrue(
        created.out().contains("users  testfile  " + tmp.resolve("db/users-1")), created.out());

    ok(run("put", "--db", db(), "--keyspace", "users", "alice", "1"));
    ok(run("put", "--db", db(), "-k", "orders", "alice", "o-7"));
    CliRun get = run("get", "--db", db(), "--keyspace", "users", "alice");
    ok(get);
    assertEquals("1" + System.lineSeparator(), get.out());
    CliRun scan = run("scan", "--db", db(), "--keyspace", "orders");
    ok(scan);
    assertEquals("alice\to-7" + System.lineSeparator(), scan.out());
    ok(run("delete", "--db", db(), "--keyspace", "users", "alice"));
    assertEquals(
        ExitCodes.NOT_FOUND, run("get", "--db", db(), "--keyspace", "users", "alice").exitCode());

    CliRun added = run("db", "add", db(), "items", "--in", "shop", "--shared", "testspaces");
    ok(added);
    assertTrue(
        added
            .out()
            .contains("items  testspaces  " + tmp.resolve("db/shop-3") + "  shared store 'shop'"),
        added.out());
    CliRun json = run("db", "keyspaces", db(), "--json");
    ok(json);
    assertTrue(json.out().contains("\"name\" : \"items\""), json.out());
    assertTrue(json.out().contains("\"strays\" : [ ]"), json.out());
  }

  @Test
  void withoutAKeyspaceTheDatabaseSaysWhichItHas() {
    ok(run("db", "create", db(), "users:testfile"));
    CliRun r = run("get", "--db", db(), "alice");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("needs --keyspace NAME; the database has [users]"), r.describe());
  }

  @Test
  void aKeyspaceOnAnotherEngineIsRefusedAndNoDatabaseIsCreatedByDataCommands() throws Exception {
    ok(run("db", "create", db(), "users:testfile"));
    CliRun r = run("db", "create", db(), "users:testspaces");
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("'testspaces'") && r.err().contains("'testfile'"), r.describe());
    CliRun missing = run("put", "--db", tmp.resolve("nothing").toString(), "-k", "a", "k", "v");
    assertEquals(ExitCodes.USAGE, missing.exitCode(), missing.describe());
    assertTrue(Files.notExists(tmp.resolve("nothing")));
    CliRun both = run("get", "--db", db(), "--dir", db(), "-k", "users", "k");
    assertEquals(ExitCodes.USAGE, both.exitCode(), both.describe());
  }
}
