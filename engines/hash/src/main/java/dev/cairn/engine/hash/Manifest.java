package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.Crc32c;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The store header, {@value #FILE_NAME}: which engine wrote the store and in which format. Spec:
 * {@code docs/formats/hash-manifest.md}.
 *
 * <pre>
 * | magic "CAIRNHSH" (8B) | format version (4B LE) | name length (1B) | engine name (ASCII) |
 * | masked CRC32C of everything before (4B LE) |
 * </pre>
 *
 * <p>Written once, when the store is created, atomically (temporary file, sync, rename, directory
 * sync), before any data file: a directory with data files and no manifest is not a hash store.
 */
final class Manifest {

  static final String FILE_NAME = "HASH-MANIFEST";
  static final String ENGINE = "hash";
  private static final byte[] MAGIC = "CAIRNHSH".getBytes(StandardCharsets.US_ASCII);

  private Manifest() {}

  static byte[] encode(FormatVersion version) {
    byte[] name = ENGINE.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b =
        ByteBuffer.allocate(MAGIC.length + 4 + 1 + name.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(version.number()).put((byte) name.length).put(name);
    b.putInt(Crc32c.mask(Crc32c.value(b.array(), 0, b.position())));
    return b.array();
  }

  /** Writes a new store's manifest. */
  static void create(Path directory) {
    SyncedFiles.replaceAtomically(directory.resolve(FILE_NAME), encode(FormatVersion.CURRENT));
  }

  static boolean exists(Path directory) {
    return Files.exists(directory.resolve(FILE_NAME));
  }

  /**
   * Reads and checks the manifest.
   *
   * @throws CorruptionException if it is damaged
   * @throws IncompatibleVersionException if another engine wrote it or its format is newer
   */
  static FormatVersion read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    byte[] bytes;
    try {
      if (Files.size(file) > 512) {
        throw new CorruptionException(file + ": a manifest is never this large");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot read the manifest", e);
    }
    return decode(bytes, file.toString());
  }

  static FormatVersion decode(byte[] bytes, String where) {
    if (bytes.length < MAGIC.length + 4 + 1 + 4
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CorruptionException(where + ": not a hash store manifest (bad magic at offset 0)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int nameLength = bytes[12] & 0xFF;
    int end = 13 + nameLength;
    if (bytes.length != end + 4) {
      throw new CorruptionException(where + ": manifest length does not match its name length");
    }
    if (Crc32c.unmask(b.getInt(end)) != Crc32c.value(bytes, 0, end)) {
      throw new CorruptionException(where + ": manifest fails its checksum at offset " + end);
    }
    String engine = new String(bytes, 13, nameLength, StandardCharsets.US_ASCII);
    if (!ENGINE.equals(engine)) {
      throw new IncompatibleVersionException(
          where + ": the store was written by engine '" + engine + "', not '" + ENGINE + "'");
    }
    return FormatVersion.of(b.getInt(8), where);
  }
}
