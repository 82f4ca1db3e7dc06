package dev.cairn.engine.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash engine's settings: typed, ranged, one error format, the same names and defaults. */
class SettingsTest {

  @TempDir Path dir;

  private HashEngine.Settings settings(Map<String, String> given) {
    return HashEngineProvider.settings(
        EngineOptions.builder().directory(dir).settings(given).build());
  }

  private String refused(Map<String, String> given) {
    return assertThrows(InvalidArgumentException.class, () -> settings(given)).getMessage();
  }

  @Test
  void theDefaultsMeanWhatTheyMeant() {
    assertEquals(
        new HashEngine.Settings(64L << 20, 0.5, 128L << 20, 1000, 4, false), settings(Map.of()));
  }

  @Test
  void eachSettingHasItsType() {
    Map<String, EngineSetting.Type> types =
        Map.of(
            "file.size", EngineSetting.Type.SIZE,
            "merge.threshold", EngineSetting.Type.TEXT,
            "merge.rate", EngineSetting.Type.SIZE,
            "merge.interval", EngineSetting.Type.DURATION,
            "merge.small.files", EngineSetting.Type.INTEGER,
            "recovery", EngineSetting.Type.CHOICE);
    assertEquals(types.size(), new HashEngineProvider().settings().size());
    for (EngineSetting s : new HashEngineProvider().settings()) {
      assertEquals(types.get(s.name()), s.type(), s.name());
    }
    assertEquals(
        "size in [4k, 1g]", HashEngineProvider.FILE_SIZE.describeType(), "cairn engines shows it");
    assertEquals("duration in [1ms, 1h]", HashEngineProvider.MERGE_INTERVAL.describeType());
    assertEquals("one of strict, salvage", HashEngineProvider.RECOVERY.describeType());
    assertEquals("size >= 1k", HashEngineProvider.MERGE_RATE.describeType());
    assertEquals("integer in [0, 1000]", HashEngineProvider.MERGE_SMALL_FILES.describeType());
  }

  @Test
  void mergeIntervalIsADurationAndABareNumberStaysMilliseconds() {
    assertEquals(60_000, settings(Map.of("merge.interval", "1m")).mergeInterval(), "one minute");
    assertEquals(250, settings(Map.of("merge.interval", "250")).mergeInterval());
    assertEquals(1500, settings(Map.of("merge.interval", "1500ms")).mergeInterval());
    assertEquals(30_000, settings(Map.of("merge.interval", "30s")).mergeInterval());
    assertEquals(3_600_000, settings(Map.of("merge.interval", "PT1H")).mergeInterval());
    String m = refused(Map.of("merge.interval", "2h"));
    assertTrue(m.contains("'merge.interval'") && m.contains("'2h'"), m);
    assertTrue(refused(Map.of("merge.interval", "0")).contains("[1ms, 1h]"));
    assertTrue(refused(Map.of("merge.interval", "soon")).contains("'soon'"));
  }

  @Test
  void sizesTakeUnitsAndRanges() {
    HashEngine.Settings s = settings(Map.of("file.size", "4KiB", "merge.rate", "1g"));
    assertEquals(4096, s.fileSize());
    assertEquals(1L << 30, s.mergeRate());
    assertEquals(65536, settings(Map.of("file.size", "65536")).fileSize());
    String m = refused(Map.of("file.size", "2g"));
    assertTrue(m.contains("'file.size'") && m.contains("[4k, 1g]") && m.contains("'2g'"), m);
    assertTrue(refused(Map.of("file.size", "100")).contains("'file.size'"));
    assertTrue(refused(Map.of("merge.rate", "512")).contains("'merge.rate'"));
  }

  @Test
  void countsChoicesAndTheThresholdAreChecked() {
    assertEquals(0, settings(Map.of("merge.small.files", "0")).mergeSmallFiles());
    assertEquals(8, settings(Map.of("merge.small.files", "8")).mergeSmallFiles());
    assertTrue(refused(Map.of("merge.small.files", "1")).contains("at least 2"));
    assertTrue(refused(Map.of("merge.small.files", "many")).contains("'merge.small.files'"));
    assertTrue(refused(Map.of("merge.small.files", "1001")).contains("[0, 1000]"));
    assertTrue(settings(Map.of("recovery", "SALVAGE")).salvage());
    assertFalse(settings(Map.of("recovery", "strict")).salvage());
    assertTrue(refused(Map.of("recovery", "lenient")).contains("one of strict, salvage"));
    assertEquals(1.0, settings(Map.of("merge.threshold", "1")).mergeThreshold());
    assertTrue(refused(Map.of("merge.threshold", "0")).contains("(0, 1]"));
    assertTrue(refused(Map.of("merge.threshold", "half")).contains("'half'"));
    assertTrue(refused(Map.of("merge.size", "1m")).contains("unknown setting"));
  }
}
