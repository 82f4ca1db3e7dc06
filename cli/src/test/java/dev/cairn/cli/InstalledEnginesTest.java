package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The command as {@link Main} builds it, over the engines ServiceLoader finds: the memory and LSM
 * engines are runtime dependencies of this module, so they must be listed.
 */
class InstalledEnginesTest {

  @Test
  void theMemoryEngineIsFoundThroughServiceLoader() throws Exception {
    CliRun r = CliRun.run(new CairnCommand(), "engines", "--json");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    JsonNode memory = null;
    for (JsonNode engine : new ObjectMapper().readTree(r.out())) {
      if (engine.get("name").asText().equals("memory")) {
        memory = engine;
      }
    }
    assertTrue(memory != null, "memory listed\n" + r.out());
    assertTrue(memory.get("capabilities").isArray(), r.out());
    assertTrue(memory.get("capabilities").size() > 0, "memory declares capabilities\n" + r.out());
  }

  @Test
  void theLsmEngineIsFoundThroughServiceLoader() throws Exception {
    CliRun r = CliRun.run(new CairnCommand(), "engines", "--json");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    JsonNode lsm = null;
    for (JsonNode engine : new ObjectMapper().readTree(r.out())) {
      if (engine.get("name").asText().equals("lsm")) {
        lsm = engine;
      }
    }
    assertTrue(lsm != null, "lsm listed\n" + r.out());
    assertTrue(lsm.get("capabilities").toString().contains("ORDERED_SCANS"), r.out());
  }
}
