package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine itself, called straight through its provider with no runtime in between: it must
 * describe itself correctly and honour the contract on its own, throwing only SPI exceptions. (The
 * runtime converts anything else into a contract violation, which users should never see.)
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
    org.junit.jupiter.api.Assumptions.assumeTrue(
        checked > 0, "engine declares every capability the check covers");
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
