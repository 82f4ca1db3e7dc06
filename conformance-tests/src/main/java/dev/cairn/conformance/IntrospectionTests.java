package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What SPI 1.1 gives every engine, each with a default an engine may replace with its own: {@code
 * multiGet}, approximate counts and sizes, {@code health()}, typed settings and the standard
 * statistic names; and SPI 1.2's {@code compact()}. An engine that keeps the defaults passes by
 * construction; these tests hold an engine's own versions to the same contract.
 */
abstract class IntrospectionTests extends ConformanceGroup {

  @Test
  void multiGetReturnsValuesInTheOrderAskedWithNullForAbsentKeys() {
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    e.put(b("b"), b("2"));
    e.put(b("empty"), new byte[0]);
    List<byte[]> values =
        e.multiGet(List.of(b("b"), b("missing"), b("a"), b("empty"), b("b"), b("")));
    assertEquals(6, values.size(), "one value per key asked for");
    assertArrayEquals(b("2"), values.get(0));
    assertNull(values.get(1), "an absent key reads as null");
    assertArrayEquals(b("1"), values.get(2));
    assertArrayEquals(new byte[0], values.get(3), "an empty value is not absent");
    assertArrayEquals(b("2"), values.get(4), "a key asked for twice");
    assertNull(values.get(5));
  }

  @Test
  void multiGetOfNoKeysIsEmptyAndItsValuesAreCopies() {
    StorageEngine e = open();
    assertEquals(List.of(), e.multiGet(List.of()));
    e.put(b("k"), b("value"));
    List<byte[]> values = e.multiGet(List.of(b("k")));
    Bytes.invert(values.getFirst());
    assertArrayEquals(b("value"), e.get(b("k")), "changing a returned array changed the store");
  }

  @Test
  void multiGetRejectsANullListOrKey() {
    StorageEngine e = open();
    e.put(b("k"), b("v"));
    assertThrows(InvalidArgumentException.class, () -> e.multiGet(null));
    List<byte[]> withNull = new ArrayList<>();
    withNull.add(b("k"));
    withNull.add(null);
    assertThrows(InvalidArgumentException.class, () -> e.multiGet(withNull));
  }

  @Test
  @Tag("capability:SNAPSHOTS")
  void multiGetOnASnapshotReadsTheSnapshot() {
    requires(Capability.SNAPSHOTS);
    StorageEngine e = open();
    e.put(b("a"), b("old"));
    try (Snapshot s = e.snapshot()) {
      e.put(b("a"), b("new"));
      e.put(b("b"), b("new"));
      List<byte[]> values = s.multiGet(List.of(b("a"), b("b")));
      assertArrayEquals(b("old"), values.get(0), "the snapshot's multiGet sees a later put");
      assertNull(values.get(1), "the snapshot's multiGet sees a key put after it");
    }
  }

  /** SPI 1.2's {@code compact()}: nothing read changes, before or after, in the store. */
  @Test
  void compactKeepsEveryEntry() {
    StorageEngine e = open();
    for (int i = 0; i < 300; i++) {
      e.put(b("key" + (1000 + i)), b("value" + i));
    }
    for (int i = 0; i < 300; i++) {
      if (i % 3 != 0) {
        e.delete(b("key" + (1000 + i)));
      }
    }
    long released = e.compact();
    assertTrue(released >= 0, "compact() released " + released + " bytes");
    assertCompacted(e, "after compact()");
    assertTrue(e.compact() >= 0, "a second compact()");
    assertCompacted(e, "after a second compact()");
  }

  /** A snapshot taken before {@code compact()} reads what it read before, during and after. */
  @Test
  @Tag("capability:SNAPSHOTS")
  void aSnapshotHeldAcrossCompactReadsItsState() {
    requires(Capability.SNAPSHOTS);
    StorageEngine e = open();
    for (int i = 0; i < 300; i++) {
      e.put(b("key" + (1000 + i)), b("value" + i));
    }
    try (Snapshot s = e.snapshot()) {
      for (int i = 0; i < 300; i++) {
        if (i % 3 != 0) {
          e.delete(b("key" + (1000 + i)));
        }
      }
      assertTrue(e.compact() >= 0);
      for (int i = 0; i < 300; i++) {
        assertArrayEquals(
            b("value" + i), s.get(b("key" + (1000 + i))), "the snapshot's key" + (1000 + i));
      }
      assertCompacted(e, "after compact() with a snapshot open");
    }
  }

  private static void assertCompacted(StorageEngine e, String when) {
    for (int i = 0; i < 300; i++) {
      byte[] v = e.get(b("key" + (1000 + i)));
      if (i % 3 == 0) {
        assertArrayEquals(b("value" + i), v, when + ": key" + (1000 + i));
      } else {
        assertNull(v, when + ": deleted key" + (1000 + i));
      }
    }
  }

  /** A store that was never written holds no keys and no bytes, by any estimate. */
  @Test
  void aNewStoreCountsNoKeysAndNoBytes() {
    StorageEngine e = open();
    assertEquals(0, e.approximateCount(KeyRange.all()), "approximateCount of a new store");
    assertEquals(0, e.approximateSize(KeyRange.all()), "approximateSize of a new store");
  }

  /**
   * Estimates are never negative, over every range an engine must answer for; a null range is an
   * {@link InvalidArgumentException}, and without {@code ORDERED_SCANS} a range other than all is
   * refused.
   */
  @Test
  void approximateCountsAndSizesAreNeverNegative() {
    StorageEngine e = open();
    for (int i = 0; i < 300; i++) {
      e.put(b(String.format("key%03d", i)), Bytes.random(i, 1 + i % 40));
    }
    for (int i = 0; i < 300; i += 3) {
      e.delete(b(String.format("key%03d", i)));
    }
    List<KeyRange> ranges = new ArrayList<>(List.of(KeyRange.all()));
    if (declares(Capability.ORDERED_SCANS)) {
      ranges.add(KeyRange.between(b("key100"), b("key200")));
      ranges.add(KeyRange.prefix(b("key2")));
      ranges.add(KeyRange.between(b("key150"), b("key150")));
      ranges.add(KeyRange.atLeast(b("zzz")));
    } else {
      KeyRange part = KeyRange.prefix(b("key2"));
      assertThrows(UnsupportedCapabilityException.class, () -> e.approximateCount(part));
      assertThrows(UnsupportedCapabilityException.class, () -> e.approximateSize(part));
    }
    for (KeyRange r : ranges) {
      long count = e.approximateCount(r);
      long size = e.approximateSize(r);
      assertTrue(count >= 0, () -> "approximateCount(" + r + ") = " + count);
      assertTrue(size >= 0, () -> "approximateSize(" + r + ") = " + size);
    }
    assertThrows(InvalidArgumentException.class, () -> e.approximateCount(null));
    assertThrows(InvalidArgumentException.class, () -> e.approximateSize(null));
  }

  @Test
  void aNewStoreIsHealthy() {
    StorageEngine e = open();
    assertHealthy(e.health(), "a new store");
    e.put(b("k"), b("v"));
    e.delete(b("k"));
    e.flush();
    assertHealthy(e.health(), "a store after a few writes and a flush");
  }

  private static void assertHealthy(Health h, String what) {
    assertNotNull(h, what + ": health() returned null");
    assertNotEquals(Health.Status.FAILED, h.status(), () -> what + " reports " + h);
  }

  /**
   * A standard statistic an engine reports is never negative (none but -1, unknown, for the
   * figures), and one snapshot open counts in {@link EngineStatistics#SNAPSHOTS_OPEN}.
   */
  @Test
  void standardStatisticsAreNeverNegative() {
    StorageEngine e = open();
    e.put(b("k"), b("v"));
    assertStandardFigures(e.statistics(), "a store");
    if (declares(Capability.SNAPSHOTS)) {
      try (Snapshot s = e.snapshot()) {
        assertArrayEquals(b("v"), s.get(b("k")));
        EngineStatistics st = e.statistics();
        assertStandardFigures(st, "a store with a snapshot open");
        Long open = st.details().get(EngineStatistics.SNAPSHOTS_OPEN);
        assertTrue(
            open == null || open >= 1, () -> "a snapshot is open but the store reports " + open);
      }
    }
  }

  private static void assertStandardFigures(EngineStatistics st, String what) {
    assertTrue(st.approximateKeys() >= -1, () -> what + ": approximateKeys " + st);
    assertTrue(st.diskBytes() >= -1, () -> what + ": diskBytes " + st);
    assertTrue(st.memoryBytes() >= -1, () -> what + ": memoryBytes " + st);
    for (String name :
        List.of(
            EngineStatistics.SNAPSHOTS_OPEN,
            EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS,
            EngineStatistics.BACKGROUND_PENDING_BYTES,
            EngineStatistics.BACKGROUND_ERRORS,
            EngineStatistics.STALLS,
            EngineStatistics.CACHE_CAPACITY_BYTES)) {
      Long v = st.details().get(name);
      assertTrue(v == null || v >= 0, () -> what + ": " + name + " = " + v);
    }
  }

  /** Each declared setting's default is a value of its own type, and its type can be described. */
  @TestFactory
  Stream<DynamicTest> eachSettingsDefaultParsesAsItsType() {
    List<EngineSetting> settings = provider().settings();
    if (settings.isEmpty()) {
      return Stream.of(
          DynamicTest.dynamicTest(
              "no settings declared", () -> assertEquals(List.of(), provider().settings())));
    }
    return settings.stream()
        .map(
            s ->
                DynamicTest.dynamicTest(
                    s.name() + " (" + s.type() + ")",
                    () -> {
                      assertNotNull(s.type(), s.name() + " has no type");
                      assertFalse(s.describeType().isBlank(), s.name() + " describes no type");
                      if (s.defaultValue() != null) {
                        Object v = s.parse(s.defaultValue());
                        assertNotNull(v, s.name() + ": its default parses to null");
                      }
                    }));
  }

  /**
   * A value a typed setting does not accept is refused when the store opens, through the runtime
   * and by the engine itself, with an {@link InvalidArgumentException} naming the setting.
   */
  @TestFactory
  Stream<DynamicTest> aValueATypedSettingDoesNotAcceptIsRefusedNamingIt() {
    List<EngineSetting> typed =
        provider().settings().stream().filter(s -> s.type() != EngineSetting.Type.TEXT).toList();
    if (typed.isEmpty()) {
      return Stream.of(
          DynamicTest.dynamicTest(
              "no typed settings declared",
              () ->
                  assertTrue(
                      provider().settings().stream()
                          .allMatch(s -> s.type() == EngineSetting.Type.TEXT))));
    }
    return typed.stream()
        .map(
            s ->
                DynamicTest.dynamicTest(
                    s.name() + " = " + unacceptable(s),
                    () -> {
                      String bad = unacceptable(s);
                      assertThrows(
                          InvalidArgumentException.class,
                          () -> s.parse(bad),
                          s.name() + " parses '" + bad + "'");
                      InvalidArgumentException viaRuntime =
                          assertThrows(
                              InvalidArgumentException.class,
                              () ->
                                  stores.open(
                                      stores.newDirectory(), o -> o.setting(s.name(), bad)));
                      assertTrue(
                          viaRuntime.getMessage().contains(s.name()),
                          "the message does not name the setting: " + viaRuntime.getMessage());
                      InvalidArgumentException direct =
                          assertThrows(
                              InvalidArgumentException.class,
                              () ->
                                  stores.openDirect(
                                      stores.newDirectory(), o -> o.setting(s.name(), bad)),
                              "the engine itself");
                      assertTrue(
                          direct.getMessage().contains(s.name()),
                          "the engine's message does not name the setting: " + direct.getMessage());
                    }));
  }

  /** Text no setting of {@code s}'s type accepts. */
  private static String unacceptable(EngineSetting s) {
    return switch (s.type()) {
      case INTEGER, SIZE, DURATION -> "not-a-number";
      case BOOLEAN -> "perhaps";
      case CHOICE -> {
        String v = "no-such-choice";
        while (s.choices().stream().anyMatch(v::equalsIgnoreCase)) {
          v = v + "-really";
        }
        yield v;
      }
      case TEXT -> throw new IllegalArgumentException("a text setting accepts any value");
    };
  }

  /** The estimates of a snapshot, as of a live store, are never negative. */
  @Test
  @Tag("capability:SNAPSHOTS")
  void aSnapshotsEstimatesAreNeverNegative() {
    requires(Capability.SNAPSHOTS);
    StorageEngine e = open();
    for (int i = 0; i < 50; i++) {
      e.put(b("k" + i), b("v" + i));
    }
    try (Snapshot s = e.snapshot()) {
      e.put(b("later"), b("x"));
      for (ReadView v : List.of(s, e)) {
        assertTrue(v.approximateCount(KeyRange.all()) >= 0);
        assertTrue(v.approximateSize(KeyRange.all()) >= 0);
      }
    }
  }
}
