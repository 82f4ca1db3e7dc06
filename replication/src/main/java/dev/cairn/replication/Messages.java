package dev.cairn.replication;

import dev.cairn.spi.InvalidArgumentException;
import java.nio.ByteBuffer;

/**
 * The small messages besides log entries, specified with them in {@code
 * docs/formats/replication-entry.md}: a read request, and the replies to a write and to a read.
 * Integers are big-endian; every message starts with its format version.
 *
 * <pre>
 * read request: | magic "CQ" (2B) | version (1B) | kind (1B): 1 GET, 2 INFO | key length (4B) | key |
 * write reply:  | version (1B) | status (1B): 0 applied, 1 conflict, 2 replayed | [key length (4B) | key] |
 * read reply:   | version (1B) | found (1B): 0 absent, 1 present | [value length (4B) | value] |
 * info reply:   | version (1B) | engine name length (1B) | engine name (ASCII) |
 * </pre>
 *
 * <p>An INFO request carries an empty key and asks the node which engine its store runs.
 *
 * <p>A conflict reply names the key of a precondition that failed. {@code replayed} answers an
 * entry this node's store had already applied before a restart and whose call has no record in the
 * {@linkplain Sessions session table}: its outcome is not known any more, which a client reports as
 * such.
 */
final class Messages {

  static final byte VERSION_1 = 1;
  static final byte KIND_GET = 1;
  static final byte KIND_INFO = 2;

  static final byte STATUS_APPLIED = 0;
  static final byte STATUS_CONFLICT = 1;
  static final byte STATUS_REPLAYED = 2;

  private Messages() {}

  /** The outcome of one write, as its reply carries it. */
  record WriteOutcome(byte status, byte[] conflictKey) {}

  /** A decoded read request: its kind, and the key a GET asks for (empty for INFO). */
  record Request(byte kind, byte[] key) {}

  static byte[] get(byte[] key) {
    return request(KIND_GET, key);
  }

  static byte[] info() {
    return request(KIND_INFO, new byte[0]);
  }

  private static byte[] request(byte kind, byte[] key) {
    return ByteBuffer.allocate(8 + key.length)
        .put((byte) 'C')
        .put((byte) 'Q')
        .put(VERSION_1)
        .put(kind)
        .putInt(key.length)
        .put(key)
        .array();
  }

  /** A read request. */
  static Request decodeRequest(ByteBuffer request) {
    ByteBuffer b = request.duplicate();
    if (b.remaining() < 8 || b.get() != 'C' || b.get() != 'Q') {
      throw new InvalidArgumentException("not a replication read request");
    }
    byte version = b.get();
    if (version != VERSION_1) {
      throw new InvalidArgumentException(
          "read request of format version " + version + "; this node reads " + VERSION_1);
    }
    byte kind = b.get();
    if (kind != KIND_GET && kind != KIND_INFO) {
      throw new InvalidArgumentException("unknown read request kind " + kind);
    }
    int length = b.getInt();
    if (length < 0 || length != b.remaining() || (kind == KIND_INFO && length != 0)) {
      throw new InvalidArgumentException(
          "read request of kind "
              + kind
              + " with key length "
              + length
              + " and "
              + b.remaining()
              + " bytes remaining");
    }
    byte[] key = new byte[length];
    b.get(key);
    return new Request(kind, key);
  }

  static byte[] infoReply(String engine) {
    byte[] name = engine.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (name.length > 255) {
      throw new IllegalArgumentException("engine name longer than 255 bytes: " + engine);
    }
    return ByteBuffer.allocate(2 + name.length)
        .put(VERSION_1)
        .put((byte) name.length)
        .put(name)
        .array();
  }

  /** The engine name an info reply carries. */
  static String decodeInfoReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate();
    if (b.remaining() < 2 || b.get() != VERSION_1) {
      throw new IllegalStateException("not a replication info reply of version " + VERSION_1);
    }
    int length = Byte.toUnsignedInt(b.get());
    if (length != b.remaining()) {
      throw new IllegalStateException(
          "info reply engine name length " + length + " with " + b.remaining() + " bytes");
    }
    byte[] name = new byte[length];
    b.get(name);
    return new String(name, java.nio.charset.StandardCharsets.US_ASCII);
  }

  static byte[] writeReply(byte status, byte[] conflictKey) {
    if (status != STATUS_CONFLICT) {
      return new byte[] {VERSION_1, status};
    }
    return ByteBuffer.allocate(6 + conflictKey.length)
        .put(VERSION_1)
        .put(status)
        .putInt(conflictKey.length)
        .put(conflictKey)
        .array();
  }

  static WriteOutcome decodeWriteReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate();
    if (b.remaining() < 2 || b.get() != VERSION_1) {
      throw new IllegalStateException("not a replication write reply of version " + VERSION_1);
    }
    byte status = b.get();
    return switch (status) {
      case STATUS_APPLIED, STATUS_REPLAYED -> new WriteOutcome(status, null);
      case STATUS_CONFLICT -> {
        byte[] key = new byte[b.getInt()];
        b.get(key);
        yield new WriteOutcome(status, key);
      }
      default -> throw new IllegalStateException("unknown write status " + status);
    };
  }

  static byte[] readReply(byte[] value) {
    if (value == null) {
      return new byte[] {VERSION_1, 0};
    }
    return ByteBuffer.allocate(6 + value.length)
        .put(VERSION_1)
        .put((byte) 1)
        .putInt(value.length)
        .put(value)
        .array();
  }

  /** The value a read reply carries, or null when the key was absent. */
  static byte[] decodeReadReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate();
    if (b.remaining() < 2 || b.get() != VERSION_1) {
      throw new IllegalStateException("not a replication read reply of version " + VERSION_1);
    }
    if (b.get() == 0) {
      return null;
    }
    byte[] value = new byte[b.getInt()];
    b.get(value);
    return value;
  }
}
