package dev.cairn.replication;

import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The bytes of one replicated write, as the Raft log carries it: a batch of puts and deletes with
 * its preconditions. The layout is specified in {@code docs/formats/replication-entry.md}:
 *
 * <pre>
 * | magic "CE" (2B) | version (1B) | kind (1B) = BATCH |
 * | precondition count (4B) | preconditions... | operation count (4B) | operations... |
 * precondition: | type (1B): 0 absent, 1 value | key length (4B) | key | [value length (4B) | value] |
 * operation:    | type (1B): 1 put, 2 delete     | key length (4B) | key | [value length (4B) | value] |
 * </pre>
 *
 * <p>Integers are big-endian. A single put or delete is a batch of one operation; a conditional
 * write is a batch with preconditions. Every node decodes the same bytes into the same batch, which
 * is what makes applying the log deterministic: the entry names no engine and no keyspace (only the
 * default keyspace is replicated).
 *
 * <p>Design. The leader decodes every entry before it enters the log ({@link
 * StoreStateMachine#startTransaction}), so a follower that fails to decode one has found damage,
 * not a bad request. Lengths are checked against what remains before anything is allocated, and
 * keys, values and counts against the SPI's limits, so a hostile entry cannot make a node allocate
 * without bound.
 */
final class Entry {

  static final byte MAGIC_0 = 'C';
  static final byte MAGIC_1 = 'E';

  /** Format versions; a constant never changes meaning. */
  static final byte VERSION_1 = 1;

  static final byte KIND_BATCH = 1;

  static final byte PRECONDITION_ABSENT = 0;
  static final byte PRECONDITION_VALUE = 1;
  static final byte OPERATION_PUT = 1;
  static final byte OPERATION_DELETE = 2;

  static final int HEADER_SIZE = 4;

  private Entry() {}

  /**
   * Checks that {@code batch} can be replicated: only the default keyspace, no range delete, no
   * reserved key.
   *
   * @throws InvalidArgumentException naming what cannot be replicated
   */
  static void checkReplicable(WriteBatch batch) {
    if (batch == null) {
      throw new InvalidArgumentException("batch must not be null");
    }
    if (batch.namesOtherKeyspaces()) {
      throw new InvalidArgumentException(
          "a replicated batch writes the default keyspace only; this one names "
              + batch.keyspaces());
    }
    if (batch.hasRangeDeletes()) {
      throw new InvalidArgumentException(
          "a replicated batch cannot hold a range delete (every node's engine must apply it"
              + " alike, and unordered engines have none)");
    }
    for (WriteBatch.Operation op : batch.operations()) {
      if (AppliedIndex.isReserved(op.key())) {
        throw new InvalidArgumentException(
            "keys starting with ReplicatedStore.reservedPrefix() belong to the replication");
      }
    }
    for (WriteBatch.Precondition p : batch.preconditions()) {
      if (!Keyspace.DEFAULT.equals(p.keyspace())) {
        throw new InvalidArgumentException(
            "a replicated precondition reads the default keyspace only, not '"
                + p.keyspace()
                + "'");
      }
    }
  }

  /** The entry for {@code batch}, which {@link #checkReplicable} accepted. */
  static byte[] encode(WriteBatch batch) {
    List<WriteBatch.Precondition> pre = batch.preconditions();
    List<WriteBatch.Operation> ops = batch.operations();
    long size = HEADER_SIZE + 8L;
    for (WriteBatch.Precondition p : pre) {
      size += 1 + 4 + p.key().length + (p.expected() == null ? 0 : 4 + p.expected().length);
    }
    for (WriteBatch.Operation op : ops) {
      size +=
          1 + 4 + op.key().length + (op instanceof WriteBatch.Put put ? 4 + put.value().length : 0);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new InvalidArgumentException("batch too large to replicate: " + size + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size);
    b.put(MAGIC_0).put(MAGIC_1).put(VERSION_1).put(KIND_BATCH);
    b.putInt(pre.size());
    for (WriteBatch.Precondition p : pre) {
      if (p.expected() == null) {
        b.put(PRECONDITION_ABSENT);
        putBytes(b, p.key());
      } else {
        b.put(PRECONDITION_VALUE);
        putBytes(b, p.key());
        putBytes(b, p.expected());
      }
    }
    b.putInt(ops.size());
    for (WriteBatch.Operation op : ops) {
      switch (op) {
        case WriteBatch.Put put -> {
          b.put(OPERATION_PUT);
          putBytes(b, put.key());
          putBytes(b, put.value());
        }
        case WriteBatch.Delete del -> {
          b.put(OPERATION_DELETE);
          putBytes(b, del.key());
        }
        case WriteBatch.DeleteRange r ->
            throw new InvalidArgumentException("a replicated batch cannot hold a range delete");
      }
    }
    return b.array();
  }

  /**
   * The batch {@code entry} encodes.
   *
   * @throws InvalidArgumentException if the bytes are not an entry of a version this code reads,
   *     naming what is wrong
   */
  static WriteBatch decode(ByteBuffer entry) {
    ByteBuffer b = entry.duplicate();
    if (b.remaining() < HEADER_SIZE) {
      throw bad("shorter than its " + HEADER_SIZE + "-byte header (" + b.remaining() + " bytes)");
    }
    if (b.get() != MAGIC_0 || b.get() != MAGIC_1) {
      throw bad("no magic \"CE\" at its start");
    }
    byte version = b.get();
    if (version != VERSION_1) {
      throw bad("format version " + version + "; this node reads version " + VERSION_1);
    }
    byte kind = b.get();
    if (kind != KIND_BATCH) {
      throw bad("unknown kind " + kind);
    }
    WriteBatch batch = new WriteBatch();
    int preconditions = count(b, "precondition");
    for (int i = 0; i < preconditions; i++) {
      byte type = need(b, 1, "precondition type").get();
      byte[] key = bytes(b, "precondition key");
      switch (type) {
        case PRECONDITION_ABSENT -> batch.requireAbsent(key);
        case PRECONDITION_VALUE -> batch.requireValue(key, bytes(b, "precondition value"));
        default -> throw bad("unknown precondition type " + type + " at precondition " + i);
      }
    }
    int operations = count(b, "operation");
    for (int i = 0; i < operations; i++) {
      byte type = need(b, 1, "operation type").get();
      byte[] key = bytes(b, "operation key");
      switch (type) {
        case OPERATION_PUT -> batch.put(key, bytes(b, "operation value"));
        case OPERATION_DELETE -> batch.delete(key);
        default -> throw bad("unknown operation type " + type + " at operation " + i);
      }
    }
    if (b.hasRemaining()) {
      throw bad(b.remaining() + " bytes after its last operation");
    }
    return batch;
  }

  private static void putBytes(ByteBuffer b, byte[] bytes) {
    b.putInt(bytes.length).put(bytes);
  }

  private static int count(ByteBuffer b, String what) {
    int n = need(b, 4, what + " count").getInt();
    // NB: each item takes at least 5 bytes, so a count the bytes cannot hold is refused here
    if (n < 0 || n > b.remaining() / 5) {
      throw bad(what + " count " + n + " does not fit its " + b.remaining() + " remaining bytes");
    }
    return n;
  }

  private static byte[] bytes(ByteBuffer b, String what) {
    int length = need(b, 4, what + " length").getInt();
    if (length < 0 || length > b.remaining()) {
      throw bad(what + " length " + length + " with " + b.remaining() + " bytes remaining");
    }
    byte[] out = new byte[length];
    b.get(out);
    return out;
  }

  private static ByteBuffer need(ByteBuffer b, int bytes, String what) {
    if (b.remaining() < bytes) {
      throw bad("ends inside its " + what);
    }
    return b;
  }

  private static InvalidArgumentException bad(String what) {
    return new InvalidArgumentException("not a replication entry: " + what);
  }
}
