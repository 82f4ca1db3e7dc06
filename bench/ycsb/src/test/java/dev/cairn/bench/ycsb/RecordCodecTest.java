package dev.cairn.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  @Test
  void fieldsRoundTripAndAreFilteredByName() {
    Map<String, byte[]> fields = new LinkedHashMap<>();
    fields.put("field0", new byte[] {1, 2, 3});
    fields.put("fïeld1", new byte[0]);
    fields.put("field2", "x".repeat(300).getBytes(StandardCharsets.UTF_8));
    byte[] encoded = RecordCodec.encode(fields);

    Map<String, byte[]> all = RecordCodec.decode(encoded, null);
    assertEquals(fields.keySet(), all.keySet());
    assertArrayEquals(new byte[] {1, 2, 3}, all.get("field0"));
    assertEquals(0, all.get("fïeld1").length);
    assertEquals(300, all.get("field2").length);

    Map<String, byte[]> some = RecordCodec.decode(encoded, Set.of("field2", "missing"));
    assertEquals(Set.of("field2"), some.keySet());
  }

  @Test
  void aTablesKeysSortBetweenItsPrefixAndItsEnd() {
    byte[] a = RecordCodec.key("usertable", "user1");
    byte[] b = RecordCodec.key("usertable", "user999");
    byte[] other = RecordCodec.key("usertable2", "user0");
    byte[] end = RecordCodec.tableEnd("usertable");
    assertTrue(Arrays.compareUnsigned(a, b) < 0);
    assertTrue(Arrays.compareUnsigned(b, end) < 0);
    assertTrue(Arrays.compareUnsigned(end, other) < 0, "another table sorts after the end");
    assertEquals("user999", RecordCodec.recordKey("usertable", b));
  }

  @Test
  void bytesThatAreNoRecordAreRefusedClearly() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecordCodec.decode(new byte[] {0, 0, 0, 9}, null));
    assertTrue(e.getMessage().contains("not a YCSB record"), e.getMessage());
  }
}
