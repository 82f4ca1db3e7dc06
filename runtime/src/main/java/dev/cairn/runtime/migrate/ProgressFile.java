package dev.cairn.runtime.migrate;

import dev.cairn.engine.toolkit.Crc32c;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The migration progress file, {@value #FILE_NAME}: where a migration stands, in the target's
 * directory, so that a migration stopped by a crash or Ctrl-C continues where it stopped, and so
 * that nobody takes a target for complete before it is verified. Specified byte by byte in {@code
 * docs/formats/migration-progress.md}:
 *
 * <pre>
 * | magic "CAIRNMIG" (8B) | version (2B) | state (1B) | mode (1B)
 * | source engine length (1B) | source engine | target engine length (1B) | target engine
 * | keyspace index (4B) | keyspace length (1B) | keyspace
 * | resume key present (1B) | resume key length (2B) | resume key
 * | entries copied (8B) | bytes copied (8B) | started (8B, ms) | updated (8B, ms)
 * | CRC32C of all the bytes before it (4B) |
 * </pre>
 *
 * <p>Integers are little-endian. The file is small (under 1 KiB with the longest key) and replaced
 * atomically ({@link SyncedFiles#replaceAtomically}): after a crash it holds the old content or the
 * new one, never a mix. A file that fails its checksum, is cut, or has a newer version is refused
 * by name, never taken for "start again": starting again over a target is the user's decision.
 *
 * @param state where the migration stands
 * @param mode offline or online
 * @param sourceEngine the source's engine name
 * @param targetEngine the target's engine name
 * @param keyspaceIndex the index, in the source's sorted keyspace list, of the keyspace being
 *     copied (the list's size once every keyspace is copied)
 * @param keyspace that keyspace's name ({@code ""} once every keyspace is copied)
 * @param resumeKey the last key of the keyspace that is durably in the target, in key order (an
 *     ordered source); null to start the keyspace from its beginning, or for an unordered source,
 *     whose resume rescans (see {@code docs/migration.md})
 * @param entries entries copied so far (an unordered source's rescan counts again)
 * @param bytes bytes of keys and values copied so far
 * @param started when the migration started, in epoch milliseconds
 * @param updated when this record was written, in epoch milliseconds
 */
record ProgressFile(
    State state,
    Mode mode,
    String sourceEngine,
    String targetEngine,
    int keyspaceIndex,
    String keyspace,
    byte[] resumeKey,
    long entries,
    long bytes,
    long started,
    long updated) {

  /** The file's name in the target directory. */
  static final String FILE_NAME = "CAIRN-MIGRATION";

  /** {@code CAIRNMIG}. */
  static final byte[] MAGIC = "CAIRNMIG".getBytes(StandardCharsets.US_ASCII);

  /** The one version written and read. Never changes meaning. */
  static final int VERSION = 1;

  /** The largest file: fixed fields, three names of at most 255 bytes, the longest key. */
  static final int MAX_SIZE =
      MAGIC.length + 2 + 1 + 1 + (1 + 255) * 3 + 4 + 1 + 2 + Limits.MAX_KEY_SIZE + 8 * 4 + 4;

  /** The smallest file: fixed fields, empty names, no key. */
  static final int MIN_SIZE = MAGIC.length + 2 + 1 + 1 + 1 + 1 + 4 + 1 + 1 + 2 + 8 * 4 + 4;

  /** Where a migration stands; the codes never change meaning. */
  enum State {
    /** Copying; the target is incomplete and must not be used. */
    COPYING(1),
    /** Every entry copied; the target is being verified (and, online, brought up to date). */
    VERIFYING(2),
    /**
     * Verified (offline) or cut over (online): the target holds the source's entries and is the
     * store to use.
     */
    COMPLETE(3);

    final int code;

    State(int code) {
      this.code = code;
    }
  }

  /** Offline (nobody writes the source) or online (an application writes through the wrapper). */
  enum Mode {
    OFFLINE(1),
    ONLINE(2);

    final int code;

    Mode(int code) {
      this.code = code;
    }
  }

  ProgressFile {
    resumeKey = resumeKey == null ? null : resumeKey.clone();
  }

  @Override
  public byte[] resumeKey() {
    return resumeKey == null ? null : resumeKey.clone();
  }

  ProgressFile with(State s, int index, String ks, byte[] key, long e, long b, long now) {
    return new ProgressFile(
        s, mode, sourceEngine, targetEngine, index, ks, key, e, b, started, now);
  }

  /** Writes this record over {@code file} atomically and durably. */
  void writeTo(Path file) {
    SyncedFiles.replaceAtomically(file, encode());
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(MAX_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putShort((short) VERSION).put((byte) state.code).put((byte) mode.code);
    name(b, sourceEngine);
    name(b, targetEngine);
    b.putInt(keyspaceIndex);
    name(b, keyspace);
    if (resumeKey == null) {
      b.put((byte) 0).putShort((short) 0);
    } else {
      b.put((byte) 1).putShort((short) resumeKey.length).put(resumeKey);
    }
    b.putLong(entries).putLong(bytes).putLong(started).putLong(updated);
    int crc = Crc32c.value(b.array(), 0, b.position());
    b.putInt(crc);
    return Arrays.copyOf(b.array(), b.position());
  }

  private static void name(ByteBuffer b, String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    if (n.length > 255) {
      throw new IllegalArgumentException("name longer than 255 bytes: " + name);
    }
    b.put((byte) n.length).put(n);
  }

  /**
   * The record in {@code file}, or null if there is none.
   *
   * @throws CorruptionException naming the file and what is wrong, if it is damaged or cut
   * @throws IncompatibleVersionException if a newer version wrote it
   * @throws StorageIOException if it cannot be read
   */
  static ProgressFile read(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_SIZE) {
        throw new CorruptionException(
            file
                + ": a migration progress file of "
                + Files.size(file)
                + " bytes (at most "
                + MAX_SIZE
                + ")");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StorageIOException("cannot read the migration progress file " + file, e);
    }
    return decode(bytes, file.toString());
  }

  static ProgressFile decode(byte[] bytes, String where) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CorruptionException(where + ": not a migration progress file (bad magic)");
      }
      int version = b.getShort() & 0xFFFF;
      if (version > VERSION) {
        throw new IncompatibleVersionException(
            where
                + ": migration progress file version "
                + version
                + "; this Cairn reads version "
                + VERSION
                + " (a newer Cairn wrote it)");
      }
      if (version == 0) {
        throw new CorruptionException(where + ": migration progress file version 0");
      }
      if (bytes.length < MIN_SIZE) {
        throw new CorruptionException(
            where + ": migration progress file cut short (" + bytes.length + " bytes)");
      }
      int stored =
          ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (Crc32c.value(bytes, 0, bytes.length - 4) != stored) {
        throw new CorruptionException(
            where + ": migration progress file fails its checksum (damaged or cut)");
      }
      State state = state(b.get(), where);
      Mode mode = mode(b.get(), where);
      String source = name(b);
      String target = name(b);
      int index = b.getInt();
      String ks = name(b);
      boolean hasKey = b.get() != 0;
      int keyLength = b.getShort() & 0xFFFF;
      byte[] key = null;
      if (hasKey) {
        key = new byte[keyLength];
        b.get(key);
      }
      long entries = b.getLong();
      long copied = b.getLong();
      long started = b.getLong();
      long updated = b.getLong();
      if (b.remaining() != 4) {
        throw new CorruptionException(
            where + ": migration progress file has " + (b.remaining() - 4) + " stray bytes");
      }
      return new ProgressFile(
          state, mode, source, target, index, ks, key, entries, copied, started, updated);
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptionException(where + ": migration progress file cut short", e);
    }
  }

  private static String name(ByteBuffer b) {
    byte[] n = new byte[b.get() & 0xFF];
    b.get(n);
    return new String(n, StandardCharsets.US_ASCII);
  }

  private static State state(int code, String where) {
    for (State s : State.values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new CorruptionException(where + ": unknown migration state " + code);
  }

  private static Mode mode(int code, String where) {
    for (Mode m : Mode.values()) {
      if (m.code == code) {
        return m;
      }
    }
    throw new CorruptionException(where + ": unknown migration mode " + code);
  }
}
