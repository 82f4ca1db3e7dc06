package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The command as {@link Main} builds it, over the engines ServiceLoader finds: the repository's
 * engines are runtime dependencies of this module, so each must be listed, none refused.
 */
class InstalledEnginesTest {

  private static final List<String> REPOSITORY_ENGINES =
      List.of("btree", "hash", "lsm", "memory", "rocksdb");

  @Test
  void theRepositorysEnginesAreFoundThroughServiceLoaderAndNoneIsRefused() throws Exception {
    CliRun r = CliRun.run(new CairnCommand(), "engines", "--json");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertEquals("", r.err(), "no provider refused");
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode engine : new ObjectMapper().readTree(r.out())) {
      byName.put(engine.get("name").asText(), engine);
    }
    for (String name : REPOSITORY_ENGINES) {
      JsonNode engine = byName.get(name);
      assertTrue(engine != null, name + " listed\n" + r.out());
      assertTrue(engine.get("capabilities").size() > 0, name + " declares capabilities");
    }
  }

  @Test
  void everyEngineOfTheRepositoryWasBuiltAgainstThisSpi() {
    assertEquals(List.of(), Cairn.engines().problems());
    for (String name : REPOSITORY_ENGINES) {
      EngineInfo info = Cairn.engines().info(name);
      // The providers return new SpiVersion(MAJOR, MINOR): the version they were compiled with.
      assertEquals(dev.cairn.spi.SpiVersion.CURRENT, info.spiVersion(), name);
    }
  }
}
