package dev.cairn.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a run's cache size reaches the engines: through their cache size setting, if they have one.
 */
class TargetsTest {

  @TempDir Path dir;

  /** A provider that records the options it is opened with, then refuses to open. */
  static final class Recording implements StorageEngineProvider {
    final String name;
    final List<EngineSetting> settings;
    final List<EngineOptions> opened = new ArrayList<>();

    Recording(String name, EngineSetting... settings) {
      this.name = name;
      this.settings = List.of(settings);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String version() {
      return "test";
    }

    @Override
    public SpiVersion spiVersion() {
      return SpiVersion.CURRENT;
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.of(Capability.DURABLE, Capability.ORDERED_SCANS);
    }

    @Override
    public List<EngineSetting> settings() {
      return settings;
    }

    @Override
    public StorageEngine open(EngineOptions options) {
      opened.add(options);
      throw new IllegalStateException("recorded");
    }
  }

  private static StoreSpec spec(long cacheBytes) {
    return new StoreSpec(Durability.BUFFERED, 1000, 16, 100, cacheBytes);
  }

  private static Map<String, String> openWith(Recording p, StoreSpec spec, Path dir) {
    Target t = Targets.of(List.of(p), List.of()).resolve(p.name);
    assertThrows(IllegalStateException.class, () -> t.opener().open(dir, spec));
    return p.opened.getLast().settings();
  }

  @Test
  void anEngineWithACacheSettingIsGivenTheRunsCacheSize() {
    Recording p =
        new Recording(
            "lsm",
            new EngineSetting("bloom.bits", "bits", "10"),
            new EngineSetting("block-cache.size", "cache", "32m"));
    assertEquals(Map.of("block-cache.size", "268435456"), openWith(p, spec(256L << 20), dir));
    Target t = Targets.of(List.of(p), List.of()).resolve("lsm");
    assertEquals(
        "block-cache.size = 256 MiB (the run's cache size)", t.memory().describe(spec(256L << 20)));
  }

  @Test
  void cacheSettingsAreFoundByName() {
    assertTrue(Targets.cacheSetting(new Recording("a", setting("cache.size"))).isPresent());
    assertTrue(Targets.cacheSetting(new Recording("b", setting("page.cache.size"))).isPresent());
    assertTrue(Targets.cacheSetting(new Recording("c", setting("row-cache.size"))).isPresent());
    assertTrue(Targets.cacheSetting(new Recording("d", setting("nocache.size"))).isEmpty());
    assertTrue(Targets.cacheSetting(new Recording("e", setting("cache.sizes"))).isEmpty());
  }

  @Test
  void theStandardCacheSettingWinsOverAnOlderName() {
    Recording p =
        new Recording("r", setting("block-cache.size"), setting(EngineSetting.CACHE_SIZE));
    assertEquals(EngineSetting.CACHE_SIZE, Targets.cacheSetting(p).orElseThrow().name());
  }

  private static EngineSetting setting(String name) {
    return new EngineSetting(name, "a setting", "1");
  }

  @Test
  void engineDefaultsLeaveTheSettingUnsetAndSaySo() {
    Recording p = new Recording("lsm", new EngineSetting("block-cache.size", "cache", "32m"));
    assertEquals(Map.of(), openWith(p, spec(StoreSpec.DEFAULT_CACHE), dir));
    Target t = Targets.of(List.of(p), List.of()).resolve("lsm");
    assertEquals(
        "block-cache.size at the engine's default (32m)",
        t.memory().describe(spec(StoreSpec.DEFAULT_CACHE)));
  }

  @Test
  void anEngineWithoutACacheSettingGetsNoSettingAndSaysTheBudgetDoesNotApply() {
    Recording p = new Recording("hashy", new EngineSetting("file.size", "file", "64m"));
    assertEquals(Map.of(), openWith(p, spec(256L << 20), dir));
    String memory = Targets.of(List.of(p), List.of()).resolve("hashy").memory().describe(spec(1));
    assertTrue(memory.contains("no cache setting"), memory);
  }

  @Test
  void mvstoreRoundsTheCacheUpToWholeMib() {
    assertEquals(3, MvStoreStore.cacheMib(spec((2L << 20) + 1)));
    assertEquals(2, MvStoreStore.cacheMib(spec(2L << 20)));
    assertEquals(
        MvStoreStore.DEFAULT_CACHE_MIB, MvStoreStore.cacheMib(spec(StoreSpec.DEFAULT_CACHE)));
    assertTrue(MvStoreStore.memory(spec(2L << 20)).contains("= 2 MiB"));
  }

  @Test
  void aRunSettingGoesToEveryEngineThatDeclaresItAndIsStated() {
    Recording lsm =
        new Recording(
            "lsm",
            EngineSetting.choice("compression", "block compression", "lz4", List.of("none", "lz4")),
            new EngineSetting("block.size", "block", "4k"));
    Recording plain = new Recording("plain", new EngineSetting("file.size", "file", "64m"));
    StoreSpec spec =
        new StoreSpec(
            Durability.BUFFERED,
            1000,
            16,
            100,
            StoreSpec.DEFAULT_CACHE,
            Map.of("compression", "none"));
    assertEquals(Map.of("compression", "none"), openWith(lsm, spec, dir));
    assertEquals(Map.of(), openWith(plain, spec, dir), "an engine without the setting gets none");
    Targets targets = Targets.of(List.of(lsm, plain), List.of());
    assertEquals(
        "compression = none (--setting)", targets.resolve("lsm").settings().describe(spec));
    assertEquals(
        "compression = lz4 (its default)",
        targets.resolve("lsm").settings().describe(spec(StoreSpec.DEFAULT_CACHE)),
        "a comparison states the compression an engine keeps by default");
    assertEquals("its defaults", targets.resolve("plain").settings().describe(spec));
  }

  @Test
  void aRunSettingNoEngineDeclaresOrOneWithABadValueIsRefusedNamingIt() {
    Recording lsm =
        new Recording(
            "lsm",
            EngineSetting.choice(
                "compression", "block compression", "lz4", List.of("none", "lz4")));
    Recording plain = new Recording("plain");
    Targets targets = Targets.of(List.of(lsm, plain), List.of());
    List<Target> both = List.of(targets.resolve("lsm"), targets.resolve("plain"));
    targets.checkSettings(both, Map.of("compression", "none"));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> targets.checkSettings(both, Map.of("compresion", "none")));
    assertTrue(unknown.getMessage().contains("compresion"), unknown.getMessage());
    IllegalArgumentException notChosen =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                targets.checkSettings(
                    List.of(targets.resolve("plain")), Map.of("compression", "none")));
    assertTrue(notChosen.getMessage().contains("no engine of the run"), notChosen.getMessage());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> targets.checkSettings(both, Map.of("compression", "gzip")));
    assertTrue(
        bad.getMessage().contains("gzip") && bad.getMessage().contains("lsm"), bad.getMessage());
  }
}
