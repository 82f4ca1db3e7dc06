package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine itself, called straight through its provider with no runtime in between: it must
 * describe itself correctly and honour the contract on its own, throwing only SPI exceptions,
 * refusing writes when read-only and giving one-argument writes its default durability. (The
 * runtime converts anything else into a contract violation, which users should never see, and
 * enforces read-only mode and the default durability itself, which third-party engines used without
 * it cannot count on.)
 */
abstract class EngineContractTests extends ConformanceGroup {

  private StorageEngine openDirect() {
    return stores.openDirect(stores.newDirectory(), o -> o);
  }

  @Test
  void theProviderDescribesItself() {
    StorageEngineProvider p = provider();
    assertTrue(StorageEngineProvider.isValidName(p.name()), "invalid name '" + p.name() + "'");
    assertNotNull(p.version(), "version");
    assertTrue(!p.version().isBlank(), "blank version");
    assertNotNull(p.spiVersion(), "spiVersion");
    assertTrue(
        SpiVersion.CURRENT.isCompatibleWith(p.spiVersion()),
        "built against SPI " + p.spiVersion() + ", the suite tests " + SpiVersion.CURRENT);
    assertNotNull(p.capabilities(), "capabilities");
    assertNotNull(p.description(), "description");
    assertEquals(p.capabilities(), provider().capabilities(), "capabilities change between calls");
    for (EngineSetting s : p.settings()) {
      assertNotNull(s, "a null setting");
    }
  }

  @Test
  void theEngineItselfRejectsAnUnknownSetting() {
    EngineOptions o =
        stores.options(stores.newDirectory()).setting("no.such.setting.anywhere", "1").build();
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> provider().open(o).close());
    assertTrue(e.getMessage().contains("no.such.setting.anywhere"), e.getMessage());
  }

  @Test
  @Tag("capability:DURABLE")
  void aDurableEngineNeedsADirectory() {
    requires(Capability.DURABLE);
    assertThrows(
        InvalidArgumentException.class,
        () -> provider().open(EngineOptions.builder().build()).close());
  }

  static Stream<Named<Consumer<StorageEngine>>> invalidCalls() {
    return InvalidCalls.calls();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCalls")
  void theEngineItselfThrowsInvalidArgument(Consumer<StorageEngine> call) {
    StorageEngine e = openDirect();
    e.put(b("k"), b("before"));
    try {
      call.accept(e);
      fail("the call was accepted");
    } catch (InvalidArgumentException | UnsupportedCapabilityException expected) {
      // The contract's answers (a seek may be refused for want of ORDERED_SCANS first).
    } catch (RuntimeException other) {
      fail("the engine threw " + other + " instead of InvalidArgumentException", other);
    }
    assertArrayEquals(b("before"), e.get(b("k")));
  }

  @Test
  void theEngineItselfThrowsClosedHandleAfterClose() {
    StorageEngine e = openDirect();
    e.close();
    e.close();
    assertThrows(ClosedHandleException.class, () -> e.get(b("k")));
    assertThrows(ClosedHandleException.class, () -> e.put(b("k"), b("v")));
    assertThrows(ClosedHandleException.class, () -> e.delete(b("k")));
    assertThrows(ClosedHandleException.class, () -> e.cursor().close());
    assertThrows(ClosedHandleException.class, e::statistics);
  }

  @Test
  void theEngineItselfRefusesUndeclaredCapabilities() {
    StorageEngine e = openDirect();
    int checked = 0;
    if (!declares(Capability.SNAPSHOTS)) {
      assertThrows(UnsupportedCapabilityException.class, e::snapshot);
      checked++;
    }
    if (!declares(Capability.ATOMIC_BATCHES)) {
      assertThrows(
          UnsupportedCapabilityException.class,
          () -> e.write(new WriteBatch().put(b("a"), b("1"))));
      checked++;
    }
    if (!declares(Capability.CHECKPOINTS)) {
      assertThrows(UnsupportedCapabilityException.class, () -> e.checkpoint(temp.resolve("cp")));
      checked++;
    }
    if (!declares(Capability.ORDERED_SCANS)) {
      assertThrows(
          UnsupportedCapabilityException.class,
          () -> e.cursor(dev.cairn.spi.KeyRange.all(), dev.cairn.spi.Direction.REVERSE).close());
      checked++;
    }
    // An engine built against SPI 1.0 has never heard of the capabilities of 1.1: it is the
    // runtime that refuses them for it (the capabilities group holds it to that).
    if (provider().spiVersion().minor() >= 1) {
      if (!declares(Capability.KEYSPACES)) {
        assertThrows(UnsupportedCapabilityException.class, () -> e.createKeyspace("other"));
        assertThrows(UnsupportedCapabilityException.class, () -> e.keyspace("other"));
        assertThrows(
            UnsupportedCapabilityException.class,
            () -> e.write(new WriteBatch().put("other", b("a"), b("1"))));
        checked++;
      }
      if (!declares(Capability.CONDITIONAL_WRITES)) {
        assertThrows(
            UnsupportedCapabilityException.class,
            () -> e.write(new WriteBatch().requireAbsent(b("c")).put(b("c"), b("1"))));
        assertNull(e.get(b("c")), "a refused conditional batch was applied");
        checked++;
      }
      if (!declares(Capability.RANGE_DELETES)) {
        e.put(b("r"), b("1"));
        assertThrows(
            UnsupportedCapabilityException.class,
            () -> e.write(new WriteBatch().deleteRange(dev.cairn.spi.KeyRange.all())));
        assertArrayEquals(b("1"), e.get(b("r")), "a refused range delete deleted a key");
        checked++;
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        checked > 0, "engine declares every capability the check covers");
  }

  /**
   * Opened read-only straight through the provider, with no runtime to refuse writes for it, the
   * engine itself refuses every write form (one-argument and with each durability; batches) with
   * {@link ReadOnlyStoreException}, changes nothing, and still reads and flushes. A durable store
   * is written first and must read the same before, during and after the read-only open.
   */
  @Test
  void theEngineItselfRefusesEveryWriteWhenReadOnly() {
    Path dir = stores.newDirectory();
    NavigableMap<byte[], byte[]> model = Scans.model();
    if (declares(Capability.DURABLE)) {
      try (StorageEngine w = provider().open(stores.options(dir).build())) {
        w.put(b("k"), b("v"), Durability.SYNC);
        w.put(b("big"), Sizes.bytes(1, 64 * 1024 + 1), Durability.SYNC);
      }
      model.put(b("k"), b("v"));
      model.put(b("big"), Sizes.bytes(1, 64 * 1024 + 1));
    }
    StorageEngine ro = stores.openDirect(dir, o -> o.readOnly(true));
    Map<String, Runnable> writes = new LinkedHashMap<>();
    writes.put("put(k, v)", () -> ro.put(b("k"), b("x")));
    writes.put("put(new key, v)", () -> ro.put(b("new"), b("x")));
    for (Durability d : Durability.values()) {
      writes.put("put(k, v, " + d + ")", () -> ro.put(b("k"), b("x"), d));
      writes.put("delete(k, " + d + ")", () -> ro.delete(b("k"), d));
    }
    writes.put("delete(k)", () -> ro.delete(b("k")));
    writes.put("delete(absent key)", () -> ro.delete(b("absent")));
    WriteBatch batch = new WriteBatch().put(b("k"), b("x")).delete(b("big"));
    writes.put("write(batch)", () -> ro.write(batch));
    for (Durability d : Durability.values()) {
      writes.put("write(batch, " + d + ")", () -> ro.write(batch, d));
    }
    List<String> wrong = new ArrayList<>();
    writes.forEach(
        (name, write) -> {
          try {
            write.run();
            wrong.add(name + " was accepted");
          } catch (ReadOnlyStoreException expected) {
            // The contract's answer.
          } catch (UnsupportedCapabilityException refusal) {
            if (!name.startsWith("write(") || declares(Capability.ATOMIC_BATCHES)) {
              wrong.add(name + " threw " + refusal);
            }
          } catch (RuntimeException other) {
            wrong.add(name + " threw " + other + " instead of ReadOnlyStoreException");
          }
        });
    assertEquals(List.of(), wrong, "a read-only store, called directly");
    ro.flush();
    assertEquals(
        Scans.expected(model, KeyRange.all(), Direction.FORWARD),
        Scans.allSorted(ro),
        "a refused write changed the read-only store");
    assertNull(ro.get(b("new")), "a refused put is visible");
    ro.close();
    if (declares(Capability.DURABLE)) {
      StorageEngine again = stores.openDirect(dir, o -> o.createIfMissing(false));
      assertEquals(
          Scans.expected(model, KeyRange.all(), Direction.FORWARD),
          Scans.allSorted(again),
          "a refused write reached the disk");
    }
  }

  /** The engine reports the default durability it was opened with, both ways. */
  @ParameterizedTest
  @EnumSource(Durability.class)
  void theEngineItselfReportsTheDefaultDurabilityItWasOpenedWith(Durability d) {
    StorageEngine e = stores.openDirect(stores.newDirectory(), o -> o.defaultDurability(d));
    assertEquals(d, e.defaultDurability(), "defaultDurability() of an engine opened with " + d);
  }

  /**
   * One-argument writes on the engine itself take the default durability it was opened with: opened
   * with {@code SYNC} on the fault-injecting file system, a one-argument put (small and large),
   * delete and batch, then a power cut that keeps only what was forced, must all survive. (Through
   * the runtime, the one-argument forms name the durability before the engine sees them, so only a
   * direct call shows an engine whose own one-argument forms ignore it.) What the engine logs once
   * the power is off is expected, and kept out of the build log.
   */
  @Test
  @Tag("capability:DURABLE")
  @Tag("capability:ANY_FILE_SYSTEM")
  void theEngineItselfGivesOneArgumentWritesItsDefaultDurability() throws IOException {
    requires(Capability.DURABLE);
    requires(Capability.ANY_FILE_SYSTEM);
    StorageEngineProvider p = provider();
    byte[] large = Sizes.bytes(2, 64 * 1024 + 1);
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      EngineOptions options =
          EngineOptions.builder()
              .directory(fs.root().resolve("store"))
              .defaultDurability(Durability.SYNC)
              .settings(settings())
              .build();
      StorageEngine e = p.open(options);
      try {
        e.put(b("doomed"), b("x"), Durability.SYNC);
        e.put(b("small"), b("v"));
        e.put(b("large"), large);
        e.delete(b("doomed"));
        if (declares(Capability.ATOMIC_BATCHES)) {
          e.write(new WriteBatch().put(b("batch"), b("b")).put(b("large batch"), large));
        }
      } catch (RuntimeException failed) {
        e.close();
        throw failed;
      }
      PowerCut cut;
      String logged;
      try (EngineLogs logs = EngineLogs.capture()) {
        cut = fs.powerCut();
        try {
          e.close();
        } catch (RuntimeException ignored) {
          // The power is off: what the engine does now does not count.
        }
        logged = logs.text();
      }
      cut.restore(cut.choose(CrashMode.DURABLE_ONLY, 0));
      try (StorageEngine again = p.open(options)) {
        String lost = "lost across a power cut: a one-argument ";
        String log = " (the engine logged, once the power was off: " + logged + ")";
        assertArrayEquals(b("v"), again.get(b("small")), lost + "put of a small value" + log);
        assertArrayEquals(large, again.get(b("large")), lost + "put of 64 KiB + 1 bytes" + log);
        assertNull(again.get(b("doomed")), lost + "delete" + log);
        if (declares(Capability.ATOMIC_BATCHES)) {
          assertArrayEquals(b("b"), again.get(b("batch")), lost + "batch" + log);
          assertArrayEquals(large, again.get(b("large batch")), lost + "batch" + log);
        }
        assertTrue(again.checkConsistency().isConsistent(), "inconsistent after the power cut");
      }
      fs.assertNoOpenHandles();
    }
  }

  @Test
  void theEngineItselfThrowsOnlyStorageExceptionsOnMisuse() {
    StorageEngine e = openDirect();
    e.put(b("a"), b("1"));
    try (var c = e.cursor()) {
      for (int i = 0; i < 3; i++) {
        try {
          c.key();
        } catch (StorageException expected) {
          // InvalidStateException before next(); after it, a key.
        }
        c.next();
      }
    } catch (RuntimeException e2) {
      if (!(e2 instanceof StorageException)) {
        fail("the engine threw " + e2 + ", outside the SPI hierarchy", e2);
      }
    }
    assertArrayEquals(b("1"), e.get(b("a")));
  }
}
