package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.transfer.StoreExport;
import dev.cairn.runtime.transfer.StoreImport;
import dev.cairn.runtime.transfer.TransferSummary;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Durability;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export from every installed engine and import into every installed engine, through files: the
 * imported store holds exactly what was exported (the import verifies the target's digests, and the
 * test reads the extreme entries back), with keyspaces wherever both engines have them. A pair
 * whose target lacks {@code KEYSPACES} is not skipped: it checks that the whole stream is refused
 * before anything is written, and then carries the default keyspace alone; its name says so.
 */
class EngineTransferMatrixTest {

  static final List<String> ENGINES = List.of("memory", "hash", "rocksdb", "lsm", "btree");

  private static final int ENTRIES = 1000;
  private static final byte[] LONG_KEY = longKey();
  private static final byte[] LARGE_VALUE = largeValue();

  @TempDir Path tmp;

  @Test
  void everyEngineOfTheMatrixIsInstalled() {
    Set<String> installed = new TreeSet<>();
    Cairn.engines().list().forEach(i -> installed.add(i.name()));
    assertTrue(installed.containsAll(ENGINES), "installed: " + installed);
  }

  @TestFactory
  List<DynamicTest> aStoreCarriesOverToAnotherEngine() {
    List<DynamicTest> list = new ArrayList<>();
    for (String from : ENGINES) {
      for (String to : ENGINES) {
        boolean fromKs = Cairn.engines().info(from).has(Capability.KEYSPACES);
        boolean toKs = Cairn.engines().info(to).has(Capability.KEYSPACES);
        String how =
            fromKs && toKs
                ? "with keyspaces"
                : fromKs
                    ? "target has no KEYSPACES: keyspaces refused, then default only"
                    : "source has no KEYSPACES: default only";
        list.add(
            DynamicTest.dynamicTest(
                from + " -> " + to + " (" + how + ")",
                () -> carry(from, to, tmp.resolve(from + "-to-" + to))));
      }
    }
    return list;
  }

  private void carry(String from, String to, Path tmp) throws java.io.IOException {
    java.nio.file.Files.createDirectories(tmp);
    EngineInfo source = Cairn.engines().info(from);
    boolean keyspaces = source.has(Capability.KEYSPACES);
    Path file = tmp.resolve(from + ".cairnexp");
    Path defaultOnly = tmp.resolve(from + "-default.cairnexp");
    TransferSummary exported;
    TransferSummary exportedDefault = null;
    try (StorageEngine s = open(from, tmp.resolve("from"))) {
      fill(s, keyspaces);
      exported = StoreExport.of(s, source).to(file);
      if (keyspaces) {
        exportedDefault = StoreExport.of(s, source).keyspaces(List.of("default")).to(defaultOnly);
      }
    }
    assertEquals(keyspaces ? 3 : 1, exported.keyspaces().size());
    assertEquals(source.has(Capability.ORDERED_SCANS), exported.ordered());
    long perKeyspace = ENTRIES + 3;
    assertEquals(keyspaces ? 2 * perKeyspace : perKeyspace, exported.entries());

    boolean targetKeyspaces = Cairn.engines().info(to).has(Capability.KEYSPACES);
    Path target = tmp.resolve("to");
    if (keyspaces && !targetKeyspaces) {
      try (StorageEngine t = open(to, target)) {
        UnsupportedCapabilityException e =
            assertThrows(
                UnsupportedCapabilityException.class, () -> StoreImport.from(file).into(t));
        assertTrue(e.getMessage().contains("KEYSPACES"), e.getMessage());
        assertNull(t.get(b("key-00001")), "nothing was written");
      }
      assertEquals(perKeyspace, exportedDefault.entries());
      assertEquals(exported.keyspaces().get(0), exportedDefault.keyspaces().get(0));
      exported = exportedDefault;
      keyspaces = false;
    }
    Path stream = keyspaces || exportedDefault == null ? file : defaultOnly;
    TransferSummary imported;
    try (StorageEngine t = open(to, target)) {
      imported = StoreImport.from(stream).batch(500, 1 << 20).into(t);
      assertEquals(exported, imported);
      check(t, keyspaces);
    }
    if (!to.equals("memory")) {
      try (StorageEngine t = Cairn.store(target).open()) {
        check(t, keyspaces); // durable once the import returned
      }
    }
  }

  private StorageEngine open(String engine, Path dir) {
    if (!Cairn.engines().info(engine).has(Capability.DURABLE)) {
      return Cairn.inMemory(engine).open();
    }
    return Cairn.store(dir).engine(engine).open();
  }

  private static void fill(StorageEngine s, boolean keyspaces) {
    if (keyspaces) {
      s.createKeyspace("empty");
      s.createKeyspace("users");
    }
    for (String ks : keyspaces ? List.of("default", "users") : List.of("default")) {
      Random r = new Random(ks.hashCode());
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < ENTRIES; i++) {
        byte[] v = new byte[r.nextInt(1500)];
        r.nextBytes(v);
        batch.put(ks, b(String.format("key-%05d", i)), v);
        if (batch.size() == 250) {
          s.write(batch, Durability.BUFFERED);
          batch = new WriteBatch();
        }
      }
      batch.put(ks, new byte[0], b("the empty key"));
      batch.put(ks, LONG_KEY, new byte[0]);
      s.write(batch, Durability.BUFFERED);
      s.write(new WriteBatch().put(ks, b("large"), LARGE_VALUE), Durability.BUFFERED);
    }
    s.flush();
  }

  private static void check(StorageEngine t, boolean keyspaces) {
    for (String ks : keyspaces ? List.of("default", "users") : List.of("default")) {
      var view = ks.equals("default") ? t : t.keyspace(ks);
      assertArrayEquals(b("the empty key"), view.get(new byte[0]), ks);
      assertArrayEquals(new byte[0], view.get(LONG_KEY), ks);
      assertTrue(Arrays.equals(LARGE_VALUE, view.get(b("large"))), ks + ": the large value");
      assertTrue(view.get(b(String.format("key-%05d", ENTRIES - 1))) != null, ks);
    }
    if (keyspaces) {
      assertEquals(List.of("default", "empty", "users"), t.keyspaces());
    }
  }

  private static byte[] longKey() {
    byte[] k = new byte[Limits.MAX_KEY_SIZE];
    Arrays.fill(k, (byte) 0xFF);
    return k;
  }

  private static byte[] largeValue() {
    byte[] v = new byte[4 << 20];
    new Random(7).nextBytes(v);
    return v;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
