package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn scan} on the hash engine, which keeps no key order (no ORDERED_SCANS): the whole
 * store lists in the engine's own order; a range, a prefix or reverse order is refused, saying why.
 */
class HashScanCommandTest {

  @TempDir Path tmp;

  private Path dir;
  private final Set<String> all = new HashSet<>();

  @BeforeEach
  void fill() {
    dir = tmp.resolve("store");
    try (StorageEngine s = Cairn.store(dir).engine("hash").createIfMissing(true).open()) {
      for (int i = 0; i < 12; i++) {
        s.put(b("k" + i), b("v" + i), Durability.BUFFERED);
        all.add("k" + i + "\tv" + i);
      }
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private CliRun scan(String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "scan";
    args[1] = "--dir";
    args[2] = dir.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    return CliRun.run(EngineRegistry.discover(), args);
  }

  @Test
  void theWholeStoreListsEveryEntryOnce() {
    CliRun r = scan();
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    List<String> lines = r.out().lines().toList();
    assertEquals(all.size(), lines.size(), r.out());
    assertEquals(all, new HashSet<>(lines));

    CliRun three = scan("--limit", "3");
    assertEquals(ExitCodes.OK, three.exitCode(), three.describe());
    assertEquals(3, three.out().lines().count(), three.out());
    assertTrue(all.containsAll(three.out().lines().toList()), three.out());
  }

  @Test
  void rangesPrefixesAndReverseOrderAreRefusedSayingWhy() {
    assertRefused(scan("--prefix", "k"), "--prefix needs");
    assertRefused(scan("--from", "k1"), "--from needs");
    assertRefused(scan("--to", "k3"), "--to needs");
    assertRefused(scan("--from", "k1", "--to", "k3"), "--from and --to need");
    assertRefused(scan("--reverse"), "--reverse needs");
    assertRefused(scan("--hex", "--prefix", "6b"), "--prefix needs");
  }

  private void assertRefused(CliRun r, String what) {
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertEquals("", r.out());
    String err = r.err().strip();
    assertTrue(
        err.startsWith(
            "cairn scan: unsupported: "
                + what
                + " a store that keeps its keys in order, and the store at "
                + dir
                + " does not: its engine does not declare ORDERED_SCANS (see 'cairn engines')"),
        err);
    assertTrue(err.contains("scan without --from, --to, --prefix and --reverse"), err);
    assertFalse(err.contains("[6b"), "no hex dump of the range\n" + err);
    assertFalse(err.contains("\n"), "one line\n" + err);
  }

  @Test
  void theHelpSaysWhatOrderEachKindOfEngineGives() {
    CliRun r = CliRun.run("scan", "--help");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    String help = r.out().replaceAll("\\s+", " ");
    assertTrue(help.contains("with ORDERED_SCANS"), help);
    assertTrue(help.contains("in unsigned byte order of their keys"), help);
    assertTrue(help.contains("in the engine's own order"), help);
  }
}
