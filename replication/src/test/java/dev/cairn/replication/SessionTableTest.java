package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state machine's session table: an entry whose call (client id, call id) was applied before,
 * which a leader appends again when a retry misses its in-memory retry cache, is not applied again
 * and is answered with the call's first reply, also after the node restarts from a checkpoint of
 * its store (what a snapshot is).
 */
class SessionTableTest {

  private static final byte[] KEY = "k".getBytes(UTF_8);
  private static final Sessions.Call C7 = call(1, 7);

  @TempDir Path dir;

  private StoreStateMachine machine;
  private long index;

  @AfterEach
  void close() throws IOException {
    if (machine != null) {
      machine.close();
    }
  }

  private StoreStateMachine open(Path data, long retained) throws IOException {
    StoreStateMachine m =
        new StoreStateMachine(
            new LocalStore("lsm", Map.of(), data), StoreStateMachine.InstallHooks.NONE, retained);
    m.load();
    return m;
  }

  private static Sessions.Call call(int client, long callId) {
    byte[] id = new byte[16];
    id[15] = (byte) client;
    return new Sessions.Call(id, callId);
  }

  private static ByteBuffer entry(WriteBatch batch) {
    return ByteBuffer.wrap(Entry.encode(batch));
  }

  private static ByteBuffer putIfAbsent(String value) {
    return entry(new WriteBatch().requireAbsent(KEY).put(KEY, value.getBytes(UTF_8)));
  }

  private static ByteBuffer put(String value) {
    return entry(new WriteBatch().put(KEY, value.getBytes(UTF_8)));
  }

  private Messages.WriteOutcome apply(Sessions.Call call, ByteBuffer data) {
    index++;
    return Messages.decodeWriteReply(ByteBuffer.wrap(machine.apply(1, index, call, data)));
  }

  private String value() {
    byte[] v = machine.read(s -> s.get(KEY));
    return v == null ? null : new String(v, UTF_8);
  }

  @Test
  void aConditionalWriteAppendedTwiceIsAppliedOnceAndAnsweredAsTheFirstTime() throws IOException {
    machine = open(dir.resolve("a"), Sessions.RETAINED);
    assertEquals(Messages.STATUS_APPLIED, apply(C7, putIfAbsent("v1")).status());
    // The retry, appended again: applying it would find the key present (a conflict).
    assertEquals(Messages.STATUS_APPLIED, apply(C7, putIfAbsent("v1")).status());
    assertEquals("v1", value());
    assertEquals(1, machine.appliedEntries());
    assertEquals(1, machine.duplicateEntries());
  }

  @Test
  void aPlainWriteAppendedTwiceDoesNotLandAfterALaterWrite() throws IOException {
    machine = open(dir.resolve("a"), Sessions.RETAINED);
    apply(C7, put("first"));
    apply(call(2, 1), put("later"));
    assertEquals(Messages.STATUS_APPLIED, apply(C7, put("first")).status());
    assertEquals("later", value());
  }

  @Test
  void aConditionalWriteThatFailedIsAnsweredAsFailedAgainAndNotApplied() throws IOException {
    machine = open(dir.resolve("a"), Sessions.RETAINED);
    apply(call(2, 1), put("other"));
    Messages.WriteOutcome first = apply(C7, putIfAbsent("mine"));
    assertEquals(Messages.STATUS_CONFLICT, first.status());
    apply(call(2, 2), entry(new WriteBatch().delete(KEY)));
    // Applied again now, the write would succeed: the retry must get the first answer.
    Messages.WriteOutcome retried = apply(C7, putIfAbsent("mine"));
    assertEquals(Messages.STATUS_CONFLICT, retried.status());
    assertArrayEquals(KEY, retried.conflictKey());
    assertNull(value());
  }

  @Test
  void aRestartFromACheckpointKeepsTheSessionTable() throws IOException {
    machine = open(dir.resolve("a"), Sessions.RETAINED);
    apply(C7, putIfAbsent("v1"));
    apply(call(2, 1), put("later"));
    Path copy = java.nio.file.Files.createDirectories(dir.resolve("b"));
    machine.read(
        s -> {
          s.checkpoint(copy.resolve("store"));
          return null;
        });
    machine.close();
    machine = open(copy, Sessions.RETAINED);
    // The log replays an entry the checkpoint holds: its first reply, not "replayed".
    index = 0;
    assertEquals(Messages.STATUS_APPLIED, apply(C7, putIfAbsent("v1")).status());
    assertEquals(1, machine.skippedEntries());
    // The retry, appended again after the restart.
    index = 2;
    assertEquals(Messages.STATUS_APPLIED, apply(C7, putIfAbsent("v1")).status());
    assertEquals(Messages.STATUS_APPLIED, apply(call(2, 1), put("later")).status());
    assertEquals("later", value());
    assertEquals(0, machine.appliedEntries());
    assertEquals(2, machine.duplicateEntries());
  }

  @Test
  void recordsOlderThanTheRetainedCallsAreDropped() throws IOException {
    machine = open(dir.resolve("a"), 3);
    for (int c = 0; c < 10; c++) {
      apply(call(1, c), put("v" + c));
    }
    // 3 records, each with its order key, and the counter.
    assertEquals(3 * 2 + 1, machine.read(SessionTableTest::sessionKeys));
    // The oldest calls are forgotten (applied again), the last three are not.
    assertEquals(Messages.STATUS_APPLIED, apply(call(1, 9), put("v9")).status());
    assertEquals(10, machine.appliedEntries());
    apply(call(1, 0), put("v0"));
    assertEquals(11, machine.appliedEntries());
    assertEquals("v0", value());
    assertEquals(3 * 2 + 1, machine.read(SessionTableTest::sessionKeys));
  }

  @Test
  void aStoreWrittenBeforeSessionRecordsStillApplies() throws IOException {
    Path data = dir.resolve("a");
    try (StorageEngine old = new LocalStore("lsm", Map.of(), data).open()) {
      old.write(
          new WriteBatch()
              .put(KEY, "old".getBytes(UTF_8))
              .put(AppliedIndex.KEY, AppliedIndex.encode(new AppliedIndex.Position(1, 5))),
          Durability.SYNC);
    }
    machine = open(data, Sessions.RETAINED);
    index = 5;
    assertEquals(Messages.STATUS_CONFLICT, apply(C7, putIfAbsent("new")).status());
    assertEquals(Messages.STATUS_CONFLICT, apply(C7, putIfAbsent("new")).status());
    assertEquals("old", value());
    assertEquals(1, machine.duplicateEntries());
  }

  @Test
  void aDamagedSessionCounterIsCorruptionNamingIt() throws IOException {
    Path data = dir.resolve("a");
    try (StorageEngine old = new LocalStore("lsm", Map.of(), data).open()) {
      old.put(Sessions.NEXT_KEY, new byte[] {9, 9}, Durability.SYNC);
    }
    machine =
        new StoreStateMachine(
            new LocalStore("lsm", Map.of(), data), StoreStateMachine.InstallHooks.NONE, 3);
    CorruptionException e = assertThrows(CorruptionException.class, machine::load);
    assertEquals(true, e.getMessage().contains("session counter"), e.getMessage());
  }

  private static long sessionKeys(StorageEngine s) {
    long n = 0;
    try (var c = s.cursor(KeyRange.all(), Direction.FORWARD)) {
      while (c.next()) {
        if (AppliedIndex.isReserved(c.key())
            && !java.util.Arrays.equals(c.key(), AppliedIndex.KEY)) {
          n++;
        }
      }
    }
    return n;
  }
}
