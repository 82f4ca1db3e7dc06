package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {

  @TempDir Path tmp;

  private String dir;

  @BeforeEach
  void fill() {
    dir = tmp.resolve("store").toString();
    for (String k : new String[] {"apple", "apricot", "banana", "blueberry", "cherry"}) {
      CliRun r = CliRun.run("put", "--dir", dir, "--engine", "testfile", k, k.toUpperCase());
      assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    }
  }

  private List<String> scan(String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "scan";
    args[1] = "--dir";
    args[2] = dir;
    System.arraycopy(options, 0, args, 3, options.length);
    CliRun r = CliRun.run(args);
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    return r.out().lines().toList();
  }

  @Test
  void everythingInKeyOrderAsTabSeparatedLines() {
    assertEquals(
        List.of(
            "apple\tAPPLE",
            "apricot\tAPRICOT",
            "banana\tBANANA",
            "blueberry\tBLUEBERRY",
            "cherry\tCHERRY"),
        scan());
  }

  @Test
  void fromIsInclusiveAndToIsExclusive() {
    assertEquals(
        List.of("apricot\tAPRICOT", "banana\tBANANA"), scan("--from", "apricot", "--to", "blue"));
    assertEquals(List.of("blueberry\tBLUEBERRY", "cherry\tCHERRY"), scan("--from", "blueberry"));
    assertEquals(List.of("apple\tAPPLE"), scan("--to", "apricot"));
  }

  @Test
  void prefixReverseAndLimit() {
    assertEquals(List.of("apple\tAPPLE", "apricot\tAPRICOT"), scan("--prefix", "ap"));
    assertEquals(
        List.of("cherry\tCHERRY", "blueberry\tBLUEBERRY"), scan("--reverse", "--limit", "2"));
    assertEquals(List.of("apricot\tAPRICOT"), scan("--prefix", "ap", "--reverse", "--limit=1"));
    assertEquals(List.of(), scan("--limit", "0"));
    assertEquals(List.of(), scan("--prefix", "zz"));
  }

  @Test
  void hexKeysAndValues() {
    // "b" = 62, "c" = 63
    assertEquals(
        List.of("62616e616e61\t42414e414e41", "626c75656265727279\t424c55454245525259"),
        scan("--hex", "--from", "62", "--to", "63"));
  }

  @Test
  void jsonIsAnArrayOfKeyValueObjects() throws Exception {
    CliRun r = CliRun.run("scan", "--dir", dir, "--prefix", "b", "--json");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    JsonNode array = new ObjectMapper().readTree(r.out());
    List<String> pairs = new ArrayList<>();
    for (JsonNode e : array) {
      pairs.add(e.get("key").asText() + "=" + e.get("value").asText());
    }
    assertEquals(List.of("banana=BANANA", "blueberry=BLUEBERRY"), pairs);

    CliRun none = CliRun.run("scan", "--dir", dir, "--prefix", "z", "--json");
    assertEquals(0, new ObjectMapper().readTree(none.out()).size(), none.out());
  }

  @Test
  void badRangesAreUsageErrors() {
    CliRun both = CliRun.run("scan", "--dir", dir, "--prefix", "a", "--from", "b");
    assertEquals(ExitCodes.USAGE, both.exitCode(), both.describe());
    assertTrue(both.err().contains("--prefix cannot be combined"), both.err());

    CliRun backwards = CliRun.run("scan", "--dir", dir, "--from", "c", "--to", "a");
    assertEquals(ExitCodes.USAGE, backwards.exitCode(), backwards.describe());
    assertTrue(backwards.err().contains("orders after --to"), backwards.err());

    CliRun negative = CliRun.run("scan", "--dir", dir, "--limit", "-1");
    assertEquals(ExitCodes.USAGE, negative.exitCode(), negative.describe());
    assertTrue(negative.err().contains("--limit must be >= 0"), negative.err());

    CliRun notANumber = CliRun.run("scan", "--dir", dir, "--limit", "lots");
    assertEquals(ExitCodes.USAGE, notANumber.exitCode(), notANumber.describe());

    CliRun badHex = CliRun.run("scan", "--dir", dir, "--hex", "--prefix", "g");
    assertEquals(ExitCodes.USAGE, badHex.exitCode(), badHex.describe());
    assertTrue(badHex.err().contains("--prefix 'g' is not hexadecimal"), badHex.err());
  }
}
