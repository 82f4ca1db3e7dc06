package dev.cairn.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbStoreTest {

  @TempDir Path dir;

  @Test
  void mapIsSizedFromTheRecordsWithAFloor() {
    assertEquals(
        LmdbStore.MIN_MAP_BYTES,
        LmdbStore.mapBytes(new StoreSpec(Durability.SYNC, 10, 16, 100, StoreSpec.DEFAULT_CACHE)));
    StoreSpec big =
        new StoreSpec(Durability.BUFFERED, 10_000_000, 16, 100, StoreSpec.DEFAULT_CACHE);
    long map = LmdbStore.mapBytes(big);
    assertEquals(8 * 1_160_000_000L, map);
    assertEquals(0, map % 4096);
  }

  @Test
  void keysLongerThanLmdbAllowsAreRefusedWhenOpening() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LmdbStore(
                    dir,
                    new StoreSpec(Durability.BUFFERED, 10, 4096, 10, StoreSpec.DEFAULT_CACHE)));
    assertTrue(e.getMessage().contains("LMDB keys are at most"), e.getMessage());
  }

  @Test
  void aFullMapFailsTheWriteInsteadOfGrowing() {
    // A map of the floor size and values far larger than the spec promised.
    try (LmdbStore s =
        new LmdbStore(dir, new StoreSpec(Durability.BUFFERED, 1, 8, 8, StoreSpec.DEFAULT_CACHE))) {
      byte[] value = new byte[1 << 20];
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () -> {
                for (int i = 0; i < 1000; i++) {
                  s.put(new byte[] {(byte) (i >> 8), (byte) i}, value, Durability.BUFFERED);
                }
              });
      assertTrue(e.getClass().getName().contains("MapFull"), e.toString());
    }
  }
}
