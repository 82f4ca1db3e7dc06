package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The entry format of docs/formats/replication-entry.md, and its refusals of bad bytes. */
class EntryTest {

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aBatchSurvivesTheRoundTripInOrder() {
    WriteBatch batch =
        new WriteBatch()
            .requireAbsent(b("a"))
            .requireValue(b("b"), new byte[0])
            .put(b("c"), b("3"))
            .delete(b("c"))
            .put(new byte[0], new byte[0]);
    WriteBatch back = Entry.decode(ByteBuffer.wrap(Entry.encode(batch)));
    assertEquals(batch.toString(), back.toString());
    assertEquals(2, back.preconditions().size());
    assertNull(back.preconditions().get(0).expected());
    assertArrayEquals(new byte[0], back.preconditions().get(1).expected());
    assertEquals(3, back.operations().size());
    assertTrue(back.operations().get(1) instanceof WriteBatch.Delete);
  }

  @Test
  void theBytesAreThoseTheFormatDocumentDraws() {
    byte[] entry = Entry.encode(new WriteBatch().requireAbsent(b("k")).put(b("k"), b("v")));
    assertEquals(
        "43450101" // "CE", version 1, kind BATCH
            + "00000001" // one precondition
            + "00"
            + "00000001"
            + "6b" // absent, key "k"
            + "00000001" // one operation
            + "01"
            + "00000001"
            + "6b"
            + "00000001"
            + "76", // put "k" = "v"
        HexFormat.of().formatHex(entry));
  }

  @Test
  void damagedOrForeignBytesAreRefusedNamingWhatIsWrong() {
    byte[] good = Entry.encode(new WriteBatch().put(b("key"), b("value")));
    assertRefused(Arrays.copyOf(good, 3), "header");
    assertRefused(with(good, 0, 'X'), "magic");
    assertRefused(with(good, 2, 9), "version 9");
    assertRefused(with(good, 3, 7), "kind 7");
    assertRefused(Arrays.copyOf(good, good.length - 1), "length");
    assertRefused(Arrays.copyOf(good, good.length + 1), "after its last operation");
    // A count no remaining bytes could hold is refused before anything is allocated for it.
    byte[] hostile = ByteBuffer.allocate(12).put(good, 0, 4).putInt(0).putInt(0x7fffffff).array();
    assertRefused(hostile, "operation count 2147483647");
    byte[] badType = good.clone();
    badType[12] = 5;
    assertRefused(badType, "operation type 5");
  }

  @Test
  void aDamagedAppliedIndexIsCorruptionAndAMissingOneIsNone() {
    assertEquals(AppliedIndex.Position.NONE, AppliedIndex.decode(null));
    AppliedIndex.Position p = new AppliedIndex.Position(3, 77);
    assertEquals(p, AppliedIndex.decode(AppliedIndex.encode(p)));
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> AppliedIndex.decode(new byte[] {2, 0}));
    assertTrue(e.getMessage().contains("applied index"), e.getMessage());
  }

  @Test
  void readRequestsAndRepliesRoundTrip() {
    Messages.Request get = Messages.decodeRequest(ByteBuffer.wrap(Messages.get(b("k"))));
    assertEquals(Messages.KIND_GET, get.kind());
    assertArrayEquals(b("k"), get.key());
    Messages.Request info = Messages.decodeRequest(ByteBuffer.wrap(Messages.info()));
    assertEquals(Messages.KIND_INFO, info.kind());
    assertEquals("btree", Messages.decodeInfoReply(ByteBuffer.wrap(Messages.infoReply("btree"))));
    byte[] infoWithKey = Messages.get(b("k"));
    infoWithKey[3] = Messages.KIND_INFO;
    assertThrows(
        InvalidArgumentException.class, () -> Messages.decodeRequest(ByteBuffer.wrap(infoWithKey)));
    assertNull(Messages.decodeReadReply(ByteBuffer.wrap(Messages.readReply(null))));
    assertArrayEquals(
        new byte[0], Messages.decodeReadReply(ByteBuffer.wrap(Messages.readReply(new byte[0]))));
    Messages.WriteOutcome conflict =
        Messages.decodeWriteReply(
            ByteBuffer.wrap(Messages.writeReply(Messages.STATUS_CONFLICT, b("x"))));
    assertEquals(Messages.STATUS_CONFLICT, conflict.status());
    assertArrayEquals(b("x"), conflict.conflictKey());
    assertThrows(
        InvalidArgumentException.class,
        () -> Messages.decodeRequest(ByteBuffer.wrap(b("not a request"))));
  }

  private static byte[] with(byte[] bytes, int at, int value) {
    byte[] out = bytes.clone();
    out[at] = (byte) value;
    return out;
  }

  private static void assertRefused(byte[] bytes, String naming) {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> Entry.decode(ByteBuffer.wrap(bytes)));
    assertTrue(
        e.getMessage().contains(naming), "'" + e.getMessage() + "' does not name '" + naming + "'");
  }
}
