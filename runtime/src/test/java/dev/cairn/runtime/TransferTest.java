package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.transfer.StoreExport;
import dev.cairn.runtime.transfer.StoreImport;
import dev.cairn.runtime.transfer.TransferProgress;
import dev.cairn.runtime.transfer.TransferSummary;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export and import through the runtime's boundary, on the test engines. */
class TransferTest {

  @TempDir Path tmp;

  private final TinyProvider spaces = TinyProvider.spi11("spaces");
  private final TinyProvider plain = TinyProvider.inMemory("plain");
  private final TinyProvider durable = TinyProvider.durable("tiny");
  private final TinyProvider basic = TinyProvider.basic("basic");
  private final EngineRegistry registry = EngineRegistry.of(List.of(spaces, plain, durable, basic));

  private StorageEngine filled() {
    StorageEngine s = registry.store().engine("spaces").open();
    s.createKeyspace("empty");
    s.createKeyspace("users");
    for (int i = 0; i < 2500; i++) {
      s.put(b("k" + i), b("v" + i));
      s.keyspace("users").put(b("u" + i), new byte[i % 700]);
    }
    return s;
  }

  @Test
  void aStoreRoundTripsWithItsKeyspacesAndTheSameDigests() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TransferSummary exported;
    List<TransferProgress> told = new ArrayList<>();
    try (StorageEngine s = filled()) {
      exported =
          StoreExport.of(s, registry.info("spaces"))
              .clock(Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC))
              .progress(told::add)
              .to(out);
    }
    assertEquals(
        List.of("default", "empty", "users"),
        exported.keyspaces().stream().map(k -> k.name()).toList());
    assertEquals(5000, exported.entries());
    assertEquals(0, exported.keyspaces().get(1).entries());
    assertEquals(out.size(), exported.streamBytes());
    assertEquals("spaces", exported.sourceEngine());
    assertEquals(Instant.ofEpochSecond(1_000), exported.created());
    assertTrue(exported.ordered());
    assertFalse(told.isEmpty());
    assertEquals(5000, told.getLast().entries());

    try (StorageEngine t = registry.store().engine("spaces").open()) {
      TransferSummary imported =
          StoreImport.from(new ByteArrayInputStream(out.toByteArray()), "export")
              .batch(100, 1 << 20)
              .into(t);
      assertEquals(exported, imported);
      assertEquals(List.of("default", "empty", "users"), t.keyspaces());
      assertArrayEquals(b("v42"), t.get(b("k42")));
      assertEquals(699, t.keyspace("users").get(b("u699")).length);
    }
  }

  @Test
  void keyspacesNeedAnEngineWithThemAndNothingIsWrittenOtherwise() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StorageEngine s = filled()) {
      StoreExport.of(s, registry.info("spaces")).to(out);
    }
    try (StorageEngine t = registry.store().engine("plain").open()) {
      UnsupportedCapabilityException e =
          assertThrows(
              UnsupportedCapabilityException.class,
              () ->
                  StoreImport.from(new ByteArrayInputStream(out.toByteArray()), "export").into(t));
      assertTrue(e.getMessage().contains("KEYSPACES"), e.getMessage());
      assertNull(t.get(b("k1")));
    }
    // the default keyspace alone goes anywhere
    ByteArrayOutputStream only = new ByteArrayOutputStream();
    try (StorageEngine s = filled()) {
      StoreExport.of(s, registry.info("spaces")).keyspaces(List.of("default")).to(only);
    }
    try (StorageEngine t = registry.store().engine("plain").open()) {
      assertEquals(
          2500,
          StoreImport.from(new ByteArrayInputStream(only.toByteArray()), "x").into(t).entries());
    }
  }

  @Test
  void aTargetWithEntriesIsRefusedBeforeAnythingIsWritten() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StorageEngine s = filled()) {
      StoreExport.of(s, registry.info("spaces")).to(out);
    }
    try (StorageEngine t = registry.store().engine("spaces").open()) {
      t.createKeyspace("users");
      t.keyspace("users").put(b("mine"), b("1"));
      InvalidArgumentException e =
          assertThrows(
              InvalidArgumentException.class,
              () ->
                  StoreImport.from(new ByteArrayInputStream(out.toByteArray()), "export").into(t));
      assertTrue(e.getMessage().contains("[users] already hold entries"), e.getMessage());
      assertNull(t.get(b("k1")));
      assertEquals(List.of("default", "users"), t.keyspaces());
    }
  }

  @Test
  void anUnknownKeyspaceIsRefusedNamingThoseThereAre() {
    try (StorageEngine s = filled()) {
      InvalidArgumentException e =
          assertThrows(
              InvalidArgumentException.class,
              () ->
                  StoreExport.of(s, registry.info("spaces"))
                      .keyspaces(List.of("nope"))
                      .to(new ByteArrayOutputStream()));
      assertTrue(e.getMessage().contains("[default, empty, users]"), e.getMessage());
    }
  }

  @Test
  void aFileExportIsRenamedIntoPlaceAndNeverOverwrites() throws IOException {
    Path file = tmp.resolve("store.cairnexp");
    try (StorageEngine s = filled()) {
      TransferSummary sum = StoreExport.of(s, registry.info("spaces")).to(file);
      assertEquals(Files.size(file), sum.streamBytes());
      assertFalse(Files.exists(tmp.resolve("store.cairnexp.partial")));
      assertThrows(
          InvalidArgumentException.class,
          () -> StoreExport.of(s, registry.info("spaces")).to(file));
    }
    assertEquals(5000, StoreImport.from(file).verify().entries());
  }

  @Test
  void aDamagedImportLeavesOnlyTheStagingDirectoryAndARetryNeedsItGone() throws IOException {
    Path file = tmp.resolve("s.cairnexp");
    try (StorageEngine s = filled()) {
      StoreExport.of(s, registry.info("spaces")).to(file);
    }
    byte[] bytes = Files.readAllBytes(file);
    Path cut = tmp.resolve("cut.cairnexp");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
    Path target = tmp.resolve("target");
    CorruptionException e =
        assertThrows(
            CorruptionException.class,
            () ->
                StoreImport.from(cut)
                    .batch(10, 1 << 20)
                    .intoNewStore(target, p -> registry.store(p).engine("tiny").open()));
    assertTrue(e.getMessage().contains("is truncated"), e.getMessage());
    assertFalse(Files.exists(target), "no store where the import was to go");
    Path staging = tmp.resolve("target.importing");
    assertTrue(Files.isDirectory(staging), "the partial import is kept as evidence");

    InvalidArgumentException again =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                StoreImport.from(file)
                    .intoNewStore(target, p -> registry.store(p).engine("tiny").open()));
    assertTrue(again.getMessage().contains("remove it and import again"), again.getMessage());

    deleteTree(staging);
    TransferSummary sum =
        StoreImport.from(file)
            .durability(Durability.SYNC)
            .intoNewStore(target, p -> registry.store(p).engine("tiny").open());
    assertEquals(5000, sum.entries());
    try (StorageEngine t = registry.store(target).open()) {
      assertArrayEquals(b("v7"), t.get(b("k7")));
    }
  }

  @Test
  void aTargetThatDiffersAfterTheImportIsCaughtByItsDigest() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StorageEngine s = registry.store().engine("plain").open()) {
      s.put(b("a"), b("1"));
      s.put(b("b"), b("2"));
      StoreExport.of(s, registry.info("plain")).to(out);
    }
    // another writer puts a key while the import runs: the target's read-back disagrees
    try (StorageEngine t = registry.store().engine("plain").open()) {
      t.put(b("a"), b("1"));
      t.delete(b("a"));
      CorruptionException e =
          assertThrows(
              CorruptionException.class,
              () ->
                  StoreImport.from(new ByteArrayInputStream(out.toByteArray()), "export")
                      .progress(p -> t.put(b("zzz"), b("another writer")))
                      .into(t));
      assertTrue(e.getMessage().contains("of the target holds 3 entries"), e.getMessage());
    }
  }

  @Test
  void anEngineWithoutSnapshotsOrOrderIsExportedByItsCursorAndSaysSo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TransferSummary exported;
    try (StorageEngine s = registry.store().engine("basic").open()) {
      for (int i = 0; i < 100; i++) {
        s.put(b("k" + i), b("v" + i));
      }
      exported = StoreExport.of(s, registry.info("basic")).to(out);
    }
    assertFalse(exported.ordered());
    try (StorageEngine t = registry.store().engine("spaces").open()) {
      assertEquals(
          exported, StoreImport.from(new ByteArrayInputStream(out.toByteArray()), "x").into(t));
      assertArrayEquals(b("v99"), t.get(b("k99")));
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
