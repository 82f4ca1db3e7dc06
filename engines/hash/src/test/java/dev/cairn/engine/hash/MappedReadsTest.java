package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash campaigns run the engine on the fault-injecting file system: there it must read through
 * memory mappings as on a real one (or the campaigns would test another read path than users get),
 * and where mapping is refused it must say so in its statistics.
 */
class MappedReadsTest {

  @TempDir Path dir;

  private static void fillAndRead(HashEngine e) {
    for (int i = 0; i < 400; i++) {
      e.put(b("k" + i), b("value-" + i), Durability.BUFFERED);
    }
    e.runBackgroundCycle(); // prefaults sealed files: maps them
    for (int i = 0; i < 400; i++) {
      assertEquals("value-" + i, s(e.get(b("k" + i))));
    }
  }

  @Test
  void onTheFaultFileSystemSealedFilesAreReadThroughMappings() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.create(dir)) {
      try (HashEngine e = open(fs.root().resolve("store"), Map.of("file.size", "4k"))) {
        fillAndRead(e);
        Map<String, Long> st = e.statistics().details();
        assertTrue(st.get("files.mapped") > 0, st::toString);
        assertEquals(0L, st.get("files.unmappable"), st::toString);
      }
      assertTrue(fs.mappings() > 0, "the file system saw no mapping");
    }
  }

  @Test
  void whereMappingIsRefusedTheStatisticsSaySo() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.create(dir)) {
      fs.faults().failAlways(Faults.Op.MAP, p -> true);
      try (HashEngine e = open(fs.root().resolve("store"), Map.of("file.size", "4k"))) {
        fillAndRead(e);
        Map<String, Long> st = e.statistics().details();
        assertEquals(0L, st.get("files.mapped"), st::toString);
        assertTrue(st.get("files.unmappable") > 0, st::toString);
      }
    }
  }
}
