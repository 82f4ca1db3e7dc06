package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn export} and {@code cairn import}: a round trip, and each kind of bad input. */
class TransferCommandsTest {

  private static final Pattern DIGEST = Pattern.compile("(?m)^digest: ([0-9a-f]{64})$");

  @TempDir Path tmp;

  private static CliRun cairn(String... args) {
    return CliRun.run(EngineRegistry.discover(), args);
  }

  private Path lsmStore() {
    Path dir = tmp.resolve("src");
    try (StorageEngine s = Cairn.store(dir).engine("lsm").open()) {
      s.createKeyspace("users");
      s.createKeyspace("empty");
      for (int i = 0; i < 500; i++) {
        s.put(b("k" + i), b("v" + i), Durability.BUFFERED);
        s.keyspace("users").put(b("u" + i), b("user " + i), Durability.BUFFERED);
      }
      s.flush();
    }
    return dir;
  }

  @Test
  void aStoreGoesOutAndComesBackOnAnotherEngineWithTheSameDigest() {
    Path src = lsmStore();
    Path file = tmp.resolve("src.cairnexp");
    CliRun out = cairn("export", src.toString(), "--out", file.toString());
    assertEquals(ExitCodes.OK, out.exitCode(), out.describe());
    assertTrue(
        out.out().startsWith("exported " + src + " to " + file + ": 1000 entries in 3 keyspaces"),
        out.describe());
    assertTrue(out.out().contains("source: engine lsm "), out.describe());
    assertTrue(out.out().contains("  keyspace empty: 0 entries"), out.describe());
    assertTrue(out.err().contains("exporting keyspace 'users'"), out.describe());

    Path copy = tmp.resolve("copy");
    CliRun in = cairn("import", file.toString(), "--to", "btree:" + copy);
    assertEquals(ExitCodes.OK, in.exitCode(), in.describe());
    assertTrue(
        in.out().startsWith("imported " + file + " into " + copy + " (btree): 1000 entries"),
        in.describe());
    assertEquals(digest(out), digest(in));
    try (StorageEngine t = Cairn.store(copy).readOnly(true).open()) {
      assertEquals(List.of("default", "empty", "users"), t.keyspaces());
      assertArrayEquals(b("user 7"), t.keyspace("users").get(b("u7")));
    }
    assertFalse(Files.exists(tmp.resolve("copy.importing")));
  }

  @Test
  void aNamedKeyspaceAloneGoesToAnEngineWithoutKeyspaces() {
    Path src = lsmStore();
    Path file = tmp.resolve("users.cairnexp");
    CliRun out =
        cairn(
            "export",
            src.toString(),
            "--out",
            file.toString(),
            "--keyspace",
            "default",
            "--no-progress");
    assertEquals(ExitCodes.OK, out.exitCode(), out.describe());
    assertEquals("", out.err(), "no progress asked for");
    Path copy = tmp.resolve("hashed");
    CliRun in = cairn("import", file.toString(), "--to", "hash:" + copy, "--sync", "--no-progress");
    assertEquals(ExitCodes.OK, in.exitCode(), in.describe());
    try (StorageEngine t = Cairn.store(copy).readOnly(true).open()) {
      assertArrayEquals(b("v499"), t.get(b("k499")));
    }
  }

  @Test
  void keyspacesIntoAnEngineWithoutThemAreRefusedAndLeaveNothing() {
    Path src = lsmStore();
    Path file = tmp.resolve("all.cairnexp");
    assertEquals(
        ExitCodes.OK, cairn("export", src.toString(), "--out", file.toString()).exitCode());
    Path copy = tmp.resolve("hashed");
    CliRun in = cairn("import", file.toString(), "--to", "hash:" + copy);
    assertEquals(ExitCodes.STORAGE, in.exitCode(), in.describe());
    assertTrue(in.err().contains("unsupported: ") && in.err().contains("KEYSPACES"), in.describe());
    assertFalse(Files.exists(copy));
    assertFalse(Files.exists(tmp.resolve("hashed.importing")), "nothing was written, nothing kept");
  }

  @Test
  void aDamagedStreamIsRefusedNamingWhereAndTheTargetStaysUncreated() throws IOException {
    Path src = lsmStore();
    Path file = tmp.resolve("src.cairnexp");
    assertEquals(
        ExitCodes.OK, cairn("export", src.toString(), "--out", file.toString()).exitCode());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    Path copy = tmp.resolve("copy");
    CliRun in = cairn("import", file.toString(), "--to", "rocksdb:" + copy);
    assertEquals(ExitCodes.STORAGE, in.exitCode(), in.describe());
    assertTrue(in.err().contains("corrupt store: " + file + ": frame "), in.describe());
    assertTrue(in.err().contains("fails its checksum"), in.describe());
    assertFalse(Files.exists(copy), "no store where the import was to go");
    Path staging = tmp.resolve("copy.importing");
    if (Files.exists(staging)) {
      assertTrue(
          in.err().contains("kept for inspection: remove it before importing again"),
          in.describe());
    }
  }

  @Test
  void aCutStreamIsRefusedAsTruncated() throws IOException {
    Path src = lsmStore();
    Path file = tmp.resolve("src.cairnexp");
    assertEquals(
        ExitCodes.OK, cairn("export", src.toString(), "--out", file.toString()).exitCode());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    CliRun in = cairn("import", file.toString(), "--to", "lsm:" + tmp.resolve("copy"));
    assertEquals(ExitCodes.STORAGE, in.exitCode(), in.describe());
    assertTrue(
        in.err().contains("is truncated: it ends at byte offset " + (bytes.length - 10)),
        in.describe());
  }

  @Test
  void badInputIsAUsageErrorThatSaysWhat() throws IOException {
    Path src = lsmStore();
    Path file = tmp.resolve("src.cairnexp");
    assertEquals(
        ExitCodes.OK, cairn("export", src.toString(), "--out", file.toString()).exitCode());

    usage(
        cairn("export", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("x").toString()),
        "no store at " + tmp.resolve("nowhere") + ": the directory does not exist");
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    usage(
        cairn("export", plain.toString(), "--out", tmp.resolve("x").toString()),
        "it has no store marker naming its engine");
    usage(
        cairn("export", src.toString(), "--out", file.toString()),
        "--out " + file + " exists; an export never overwrites a file");
    usage(
        cairn("export", src.toString(), "--out", tmp.resolve("y").toString(), "--keyspace", "nope"),
        "no keyspace [nope] in the store to export");
    usage(cairn("export", src.toString()), "Missing required option: '--out=FILE'");

    usage(
        cairn(
            "import",
            tmp.resolve("missing.cairnexp").toString(),
            "--to",
            "lsm:" + tmp.resolve("a")),
        "no export stream at " + tmp.resolve("missing.cairnexp") + ": no such file");
    usage(
        cairn("import", file.toString(), "--to", "lsm:" + src),
        "cannot import into " + src + ": it exists and is not an empty directory");
    usage(
        cairn("import", file.toString(), "--to", "nosuch:" + tmp.resolve("a")),
        "engine not found: ");
    usage(
        cairn("import", file.toString(), "--to", tmp.resolve("a").toString()),
        "--to must be ENGINE:DIR");
    usage(
        cairn("import", file.toString(), "--to", "memory:" + tmp.resolve("a")),
        "engine 'memory' is not durable");
    assertFalse(Files.exists(tmp.resolve("a")));

    Files.write(tmp.resolve("junk"), b("not a stream at all"));
    CliRun junk =
        cairn("import", tmp.resolve("junk").toString(), "--to", "lsm:" + tmp.resolve("a"));
    assertEquals(ExitCodes.STORAGE, junk.exitCode(), junk.describe());
    assertTrue(junk.err().contains("is not a Cairn export stream"), junk.describe());
    assertFalse(Files.exists(tmp.resolve("a")));
    assertFalse(Files.exists(tmp.resolve("a.importing")));
  }

  private static void usage(CliRun r, String says) {
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains(says), "expected '" + says + "' in\n" + r.describe());
  }

  private static String digest(CliRun r) {
    Matcher m = DIGEST.matcher(r.out());
    assertTrue(m.find(), r.describe());
    return m.group(1);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
