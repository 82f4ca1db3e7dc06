package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.runtime.EngineRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnginesCommandTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void textListsEachEngineWithCapabilitiesAndSettings() {
    CliRun r = CliRun.run("engines");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    String expected =
        """
        scratch 9.9.9 (SPI 1.2)
          Declares no durability.
          capabilities: ORDERED_SCANS
          settings:
            fail-open (true or false; default false): When true, opening fails with an I/O error.
            cache.size (size in [0, 1g]; default 1m): Ignored: the engine caches nothing.
        testfile 9.9.9 (SPI 1.2)
          One text file of hex lines, for CLI tests.
          capabilities: DURABLE, ORDERED_SCANS
          settings:
            fail-open (true or false; default false): When true, opening fails with an I/O error.
            cache.size (size in [0, 1g]; default 1m): Ignored: the engine caches nothing.
        """;
    assertEquals(expected, r.out().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void jsonIsAnArrayOfObjectsWithFieldsInAFixedOrder() throws Exception {
    CliRun r = CliRun.run("engines", "--json");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    JsonNode array = MAPPER.readTree(r.out());
    assertTrue(array.isArray(), r.out());
    assertEquals(2, array.size(), r.out());
    JsonNode testfile = array.get(1);
    assertEquals(
        List.of("name", "version", "spiVersion", "capabilities", "settings", "description"),
        fieldNames(testfile));
    assertEquals("testfile", testfile.get("name").asText());
    assertEquals("9.9.9", testfile.get("version").asText());
    assertEquals("1.2", testfile.get("spiVersion").asText());
    assertEquals("[\"DURABLE\",\"ORDERED_SCANS\"]", testfile.get("capabilities").toString());
    JsonNode setting = testfile.get("settings").get(0);
    assertEquals(
        List.of("name", "type", "accepts", "min", "max", "choices", "default", "description"),
        fieldNames(setting));
    assertEquals("fail-open", setting.get("name").asText());
    assertEquals("BOOLEAN", setting.get("type").asText());
    assertEquals("true or false", setting.get("accepts").asText());
    assertTrue(setting.get("min").isNull(), "a boolean has no range");
    assertEquals("false", setting.get("default").asText());
    JsonNode cache = testfile.get("settings").get(1);
    assertEquals("cache.size", cache.get("name").asText());
    assertEquals("SIZE", cache.get("type").asText());
    assertEquals("size in [0, 1g]", cache.get("accepts").asText());
    assertEquals(0, cache.get("min").asLong());
    assertEquals(1L << 30, cache.get("max").asLong());
    assertEquals(0, cache.get("choices").size());
    assertEquals("1m", cache.get("default").asText());
    assertEquals(
        "One text file of hex lines, for CLI tests.", testfile.get("description").asText());
  }

  @Test
  void noEnginesSaysSoOnStandardErrorAndJsonIsAnEmptyArray() throws Exception {
    EngineRegistry none = EngineRegistry.of(List.of());
    CliRun text = CliRun.run(none, "engines");
    assertEquals(ExitCodes.OK, text.exitCode(), text.describe());
    assertEquals("", text.out());
    assertTrue(text.err().contains("No storage engines"), text.err());

    CliRun json = CliRun.run(none, "engines", "--json");
    assertEquals(ExitCodes.OK, json.exitCode(), json.describe());
    assertEquals(0, MAPPER.readTree(json.out()).size(), json.out());
  }

  @Test
  void refusedProvidersAreReportedOnStandardError() {
    EngineRegistry withBadOne =
        EngineRegistry.of(
            List.of(FileTestEngineProvider.durable(), FileTestEngineProvider.durable("Bad Name")));
    CliRun r = CliRun.run(withBadOne, "engines");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(r.out().startsWith("testfile "), r.out());
    assertTrue(r.err().startsWith("cairn engines: refused: "), r.err());
    assertTrue(r.err().contains("Bad Name"), r.err());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
