package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.EngineNotFoundException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreMarkerTest {

  private final TinyProvider tiny = TinyProvider.durable("tiny");
  private final TinyProvider other = TinyProvider.durable("other");
  private final TinyProvider memory = TinyProvider.inMemory("memory");
  private final EngineRegistry registry = EngineRegistry.of(List.of(tiny, other, memory));

  private static final byte[] K = "k".getBytes(StandardCharsets.UTF_8);
  private static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);

  @Test
  void encodingIsTheDocumentedBytes() {
    // docs/formats/store-marker.md, "Example"
    assertEquals(
        "434149524e535452" + "0100" + "03" + "6c736d" + "549ad582",
        HexFormat.of().formatHex(StoreMarker.encode("lsm")));
  }

  @Test
  void roundTrips(@TempDir Path dir) {
    StoreMarker.write(dir, "some-engine9");

    assertEquals(Optional.of("some-engine9"), StoreMarker.read(dir));
    assertFalse(Files.exists(dir.resolve(StoreMarker.TEMP_NAME)));
  }

  @Test
  void noDirectoryOrNoFileMeansNoMarker(@TempDir Path dir) {
    assertEquals(Optional.empty(), StoreMarker.read(dir.resolve("missing")));
    assertEquals(Optional.empty(), StoreMarker.read(dir));
  }

  @Test
  void everyDamageIsCorruptionNamingTheFile(@TempDir Path dir) throws IOException {
    byte[] good = StoreMarker.encode("lsm");
    Path file = dir.resolve(StoreMarker.FILE_NAME);
    for (int i = 0; i < good.length; i++) {
      if (i == 8 || i == 9) {
        continue; // the version field: a larger version is "newer", tested below
      }
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Files.write(file, bad);
      CorruptionException e =
          assertThrows(CorruptionException.class, () -> StoreMarker.read(dir), "byte " + i);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
    for (byte[] bad :
        List.of(new byte[0], "CAIRNSTR".getBytes(StandardCharsets.US_ASCII), append(good, 0))) {
      Files.write(file, bad);
      assertTrue(
          assertThrows(CorruptionException.class, () -> StoreMarker.read(dir))
              .getMessage()
              .startsWith("store marker " + file + " is corrupt: "));
    }
  }

  private static byte[] append(byte[] bytes, int b) {
    byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    out[bytes.length] = (byte) b;
    return out;
  }

  @Test
  void newerFormatIsIncompatibleNotCorrupt(@TempDir Path dir) throws IOException {
    byte[] bytes = StoreMarker.encode("lsm");
    bytes[8] = 2;
    Files.write(dir.resolve(StoreMarker.FILE_NAME), bytes);

    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> StoreMarker.read(dir));

    assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    assertTrue(e.getMessage().endsWith("newest this runtime reads, 1"), e.getMessage());
  }

  @Test
  void createsAMarkerAndReopensWithoutAName(@TempDir Path root) {
    Path dir = root.resolve("store");
    try (StorageEngine store = registry.store(dir).engine("tiny").open()) {
      store.put(K, V);
    }
    assertEquals(Optional.of("tiny"), StoreMarker.read(dir));

    try (StorageEngine store = registry.store(dir).open()) {
      assertArrayEquals(V, store.get(K));
    }
    assertEquals(2, tiny.opened.size());
  }

  @Test
  void anotherEngineIsRefusedNamingBoth(@TempDir Path dir) {
    registry.store(dir).engine("tiny").open().close();

    IncompatibleVersionException e =
        assertThrows(
            IncompatibleVersionException.class, () -> registry.store(dir).engine("other").open());

    assertEquals("store at " + dir + " was written by engine 'tiny', not 'other'", e.getMessage());
    assertTrue(other.opened.isEmpty());
  }

  @Test
  void aNonEmptyDirectoryWithoutMarkerIsRefused(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "not a store");

    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class, () -> registry.store(dir).engine("tiny").open());

    assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
    assertFalse(Files.exists(dir.resolve(StoreMarker.FILE_NAME)));
    assertTrue(tiny.opened.isEmpty());
  }

  @Test
  void aStaleTemporaryFileDoesNotMakeTheDirectoryNonEmpty(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve(StoreMarker.TEMP_NAME), new byte[] {1, 2, 3});

    registry.store(dir).engine("tiny").open().close();

    assertEquals(Optional.of("tiny"), StoreMarker.read(dir));
  }

  @Test
  void aCorruptMarkerFailsTheOpenNamingTheFile(@TempDir Path dir) throws IOException {
    registry.store(dir).engine("tiny").open().close();
    Path file = dir.resolve(StoreMarker.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[12] ^= 1;
    Files.write(file, bytes);

    CorruptionException e =
        assertThrows(CorruptionException.class, () -> registry.store(dir).open());

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void noNameAndNoStoreSaysWhatIsInstalled(@TempDir Path dir) {
    EngineNotFoundException e =
        assertThrows(EngineNotFoundException.class, () -> registry.store(dir).open());

    assertTrue(e.getMessage().contains("holds no store"), e.getMessage());
    assertTrue(e.getMessage().contains("[memory, other, tiny]"), e.getMessage());
  }

  @Test
  void readOnlyOrNoCreateNeverCreates(@TempDir Path root) {
    Path dir = root.resolve("store");

    assertThrows(
        StorageIOException.class, () -> registry.store(dir).engine("tiny").readOnly(true).open());
    assertThrows(
        StorageIOException.class,
        () -> registry.store(dir).engine("tiny").createIfMissing(false).open());

    assertFalse(Files.exists(dir));
  }

  @Test
  void aFailedCreateTakesTheMarkerBack(@TempDir Path dir) {
    EngineRegistry failing =
        EngineRegistry.of(
            List.of(
                new StubProvider(
                    () -> "fails",
                    () -> dev.cairn.spi.SpiVersion.CURRENT,
                    () -> java.util.Set.of(dev.cairn.spi.Capability.DURABLE))));

    assertThrows(InvalidArgumentException.class, () -> failing.store(dir).engine("fails").open());

    assertEquals(Optional.empty(), StoreMarker.read(dir));
  }

  @Test
  void aFailedCreateRemovesTheDirectoriesItCreated(@TempDir Path root) {
    Path dir = root.resolve("new").resolve("store");

    assertThrows(InvalidArgumentException.class, () -> failing().store(dir).engine("fails").open());

    assertFalse(Files.exists(root.resolve("new")), "the directories the open created are gone");
    assertTrue(Files.isDirectory(root), "what existed before stays");
  }

  @Test
  void aFailedCreateKeepsADirectoryThatExistedBefore(@TempDir Path dir) {
    assertThrows(InvalidArgumentException.class, () -> failing().store(dir).engine("fails").open());

    assertTrue(Files.isDirectory(dir));
    assertEquals(List.of(), StoreMarker.entries(dir, 2));
  }

  @Test
  void aFailedCreateKeepsADirectoryTheEngineWroteInto(@TempDir Path root) throws IOException {
    Path dir = root.resolve("store");
    EngineRegistry writesThenFails =
        EngineRegistry.of(
            List.of(
                new dev.cairn.spi.StorageEngineProvider() {
                  @Override
                  public String name() {
                    return "fails";
                  }

                  @Override
                  public String version() {
                    return "1";
                  }

                  @Override
                  public dev.cairn.spi.SpiVersion spiVersion() {
                    return dev.cairn.spi.SpiVersion.CURRENT;
                  }

                  @Override
                  public java.util.Set<dev.cairn.spi.Capability> capabilities() {
                    return java.util.Set.of(dev.cairn.spi.Capability.DURABLE);
                  }

                  @Override
                  public StorageEngine open(dev.cairn.spi.EngineOptions options) {
                    try {
                      Files.writeString(options.directory().orElseThrow().resolve("LOG"), "why");
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                    throw new InvalidArgumentException("fails after writing its log");
                  }
                }));

    assertThrows(
        InvalidArgumentException.class, () -> writesThenFails.store(dir).engine("fails").open());

    assertTrue(Files.isRegularFile(dir.resolve("LOG")), "what the engine wrote is evidence");
  }

  private static EngineRegistry failing() {
    return EngineRegistry.of(
        List.of(
            new StubProvider(
                () -> "fails",
                () -> dev.cairn.spi.SpiVersion.CURRENT,
                () -> java.util.Set.of(dev.cairn.spi.Capability.DURABLE))));
  }

  @Test
  void engineThatIsNotDurableGetsNoMarker(@TempDir Path dir) {
    try (StorageEngine store = registry.store(dir).engine("memory").open()) {
      store.put(K, V);
    }
    assertEquals(Optional.empty(), StoreMarker.read(dir));
    try (StorageEngine store = registry.store().engine("memory").open()) {
      assertNull(store.get(K));
    }
  }

  @Test
  void aMarkedDirectoryRefusesAnEngineThatIsNotDurableToo(@TempDir Path dir) {
    registry.store(dir).engine("tiny").open().close();

    assertThrows(
        IncompatibleVersionException.class, () -> registry.store(dir).engine("memory").open());
  }

  @Test
  void aCheckpointOpensByItself(@TempDir Path root) {
    Path dir = root.resolve("store");
    Path copy = root.resolve("copy");
    try (StorageEngine store = registry.store(dir).engine("tiny").open()) {
      store.put(K, V);
      store.checkpoint(copy);
    }

    try (StorageEngine store = registry.store(copy).open()) {
      assertArrayEquals(V, store.get(K));
    }
  }

  /**
   * The JDK's zip file system renames atomically but cannot open a directory: a file system on
   * which the rename of the marker can never be made durable. Writing the marker must fail there,
   * naming the directory, rather than skip the directory sync.
   */
  @Test
  void aDirectoryThatCannotBeForcedFailsTheWriteNamingIt(@TempDir Path root) throws IOException {
    try (FileSystem zip =
        FileSystems.newFileSystem(
            URI.create("jar:" + root.resolve("stores.zip").toUri()), Map.of("create", "true"))) {
      Path dir = Files.createDirectories(zip.getPath("/store"));

      for (int attempt = 1; attempt <= 2; attempt++) {
        StorageIOException e =
            assertThrows(StorageIOException.class, () -> StoreMarker.write(dir, "tiny"));

        assertTrue(e.getMessage().startsWith("cannot write store marker /store/"), e.getMessage());
        assertTrue(
            e.getMessage().contains("/store: fsync of the directory failed"), e.getMessage());
        assertFalse(
            Files.exists(dir.resolve(StoreMarker.FILE_NAME)),
            "attempt " + attempt + ": no marker whose rename was not made durable is left");
      }
      assertTrue(StoreMarker.entries(dir, 2).isEmpty());
    }
  }

  @Test
  void aStoreIsNotCreatedWhereItsMarkerCannotBeMadeDurable(@TempDir Path root) throws IOException {
    try (FileSystem zip =
        FileSystems.newFileSystem(
            URI.create("jar:" + root.resolve("stores.zip").toUri()), Map.of("create", "true"))) {
      Path dir = zip.getPath("/new/store");

      StorageIOException e =
          assertThrows(StorageIOException.class, () -> registry.store(dir).engine("tiny").open());

      assertTrue(e.getMessage().contains("fsync of the directory failed"), e.getMessage());
      assertTrue(tiny.opened.isEmpty(), "the engine was never asked to open");
      assertEquals(Optional.empty(), StoreMarker.read(dir));
      assertFalse(Files.exists(zip.getPath("/new")), "the directories the open created are gone");
    }
  }

  @Test
  void theTemporaryNameIsTheOneTheAtomicReplaceUses(@TempDir Path dir) throws IOException {
    // The emptiness check ignores TEMP_NAME: it must be what SyncedFiles.replaceAtomically leaves.
    Path file = dir.resolve(StoreMarker.FILE_NAME);
    Files.write(dir.resolve(StoreMarker.TEMP_NAME), new byte[] {9});

    StoreMarker.write(dir, "tiny");

    assertFalse(Files.exists(dir.resolve(StoreMarker.TEMP_NAME)), "the stale one was reused");
    assertEquals(Optional.of("tiny"), StoreMarker.read(dir));
    assertTrue(Files.isRegularFile(file));
  }
}
