package dev.cairn.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsAndVersionsTest {

  private static final EngineSetting CACHE =
      new EngineSetting("cache.size", "block cache in bytes", "8m");

  @Test
  void unknownSettingsAreRejectedNamingKnownOnes() {
    EngineOptions options = EngineOptions.builder().setting("cache.sise", "1").build();
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () -> options.requireKnownSettings("lsm", List.of(CACHE)));
    assertTrue(e.getMessage().contains("cache.sise"), e.getMessage());
    assertTrue(e.getMessage().contains("cache.size"), e.getMessage());
    assertTrue(e.getMessage().contains("'lsm'"), e.getMessage());
  }

  @Test
  void sizeSettingsAcceptSuffixesAndRanges() {
    assertEquals(
        8L * 1024 * 1024, EngineOptions.builder().build().longSetting(CACHE, 0, Long.MAX_VALUE));
    assertEquals(
        3L * 1024,
        EngineOptions.builder().setting("cache.size", "3K").build().longSetting(CACHE, 0, 1 << 20));
    EngineOptions bad = EngineOptions.builder().setting("cache.size", "lots").build();
    assertThrows(InvalidArgumentException.class, () -> bad.longSetting(CACHE, 0, 10));
    EngineOptions big = EngineOptions.builder().setting("cache.size", "2g").build();
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> big.longSetting(CACHE, 0, 1 << 20));
    assertTrue(e.getMessage().contains("cache.size"), e.getMessage());
  }

  @Test
  void readOnlyNeverCreates() {
    EngineOptions options = EngineOptions.builder().readOnly(true).createIfMissing(true).build();
    assertTrue(options.readOnly());
    assertFalse(options.createIfMissing());
  }

  @Test
  void defaultsAreSyncAndCreate() {
    EngineOptions options = EngineOptions.builder().build();
    assertEquals(Durability.SYNC, options.defaultDurability());
    assertTrue(options.createIfMissing());
    assertTrue(options.directory().isEmpty());
    assertThrows(InvalidArgumentException.class, () -> options.requireDirectory("hash"));
  }

  @Test
  void spiVersionsAcceptTheSameMajorAndNoNewerMinor() {
    assertEquals(new SpiVersion(1, 3), SpiVersion.parse("1.3"));
    assertEquals(new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR), SpiVersion.CURRENT);
    assertTrue(new SpiVersion(1, 1).isCompatibleWith(new SpiVersion(1, 0)));
    assertTrue(new SpiVersion(1, 1).isCompatibleWith(new SpiVersion(1, 1)));
    assertFalse(new SpiVersion(1, 1).isCompatibleWith(new SpiVersion(1, 2)));
    assertFalse(new SpiVersion(1, 1).isCompatibleWith(new SpiVersion(2, 0)));
    assertFalse(new SpiVersion(2, 0).isCompatibleWith(new SpiVersion(1, 0)));
    assertThrows(InvalidArgumentException.class, () -> SpiVersion.parse("1"));
    assertThrows(InvalidArgumentException.class, () -> SpiVersion.parse("1.x"));
    assertThrows(InvalidArgumentException.class, () -> new SpiVersion(-1, 0));
  }

  @Test
  void providerNamesAreShortLowerCaseAscii() {
    assertTrue(StorageEngineProvider.isValidName("lsm"));
    assertTrue(StorageEngineProvider.isValidName("my-engine2"));
    assertFalse(StorageEngineProvider.isValidName("LSM"));
    assertFalse(StorageEngineProvider.isValidName("2lsm"));
    assertFalse(StorageEngineProvider.isValidName(""));
    assertFalse(StorageEngineProvider.isValidName(null));
    assertFalse(StorageEngineProvider.isValidName("a".repeat(33)));
    assertFalse(StorageEngineProvider.isValidName("lsm\u00e9"));
  }

  @Test
  void settingNamesAreValidated() {
    assertThrows(InvalidArgumentException.class, () -> new EngineSetting("Bad Name", "d", "1"));
    assertThrows(InvalidArgumentException.class, () -> new EngineSetting("ok", " ", "1"));
  }

  @Test
  void limitsNameTheSize() {
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () -> Limits.checkValue(new byte[Limits.MAX_VALUE_SIZE + 1]));
    assertTrue(e.getMessage().contains(String.valueOf(Limits.MAX_VALUE_SIZE + 1)), e.getMessage());
  }
}
