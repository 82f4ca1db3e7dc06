package dev.cairn.runtime;

import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The store marker: a small file, {@value #FILE_NAME}, that says which engine a store's directory
 * belongs to, so that a store opens without naming its engine and never with the wrong one.
 *
 * <p>The runtime writes it when a {@linkplain dev.cairn.spi.Capability#DURABLE durable} engine
 * creates a store, before the engine creates any file, and reads it on every open. It is written
 * atomically, by the toolkit's {@link SyncedFiles#replaceAtomically} (the one atomic replace of the
 * repository, decision 0014): a temporary file {@value #TEMP_NAME} is written and forced, renamed
 * over the marker, and the directory is forced, so a crash leaves either no marker or a whole one
 * (and at worst a stale temporary file, which is ignored and overwritten). A directory that cannot
 * be forced fails the write; it is never skipped.
 *
 * <p>Format (little-endian, as the toolkit's formats), specified in {@code
 * docs/formats/store-marker.md}:
 *
 * <pre>
 * | magic "CAIRNSTR" (8B) | format version (2B) = 1 | name length n (1B) | name (n B, ASCII) |
 * | CRC32C of all preceding bytes (4B) |
 * </pre>
 */
final class StoreMarker {

  static final String FILE_NAME = "CAIRN-STORE";
  static final String TEMP_NAME = "CAIRN-STORE.tmp";

  /** The marker format this runtime writes and the newest it reads. */
  static final int FORMAT_VERSION = 1;

  private static final byte[] MAGIC = "CAIRNSTR".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 2 + 1;
  private static final int TRAILER = 4;
  private static final int MAX_SIZE = HEADER + 255 + TRAILER;

  private StoreMarker() {}

  /**
   * The engine named by the marker in {@code directory}; empty when the directory or the marker
   * does not exist.
   *
   * @throws CorruptionException naming the file when the marker is damaged
   * @throws IncompatibleVersionException when the marker's format is newer than this runtime reads
   * @throws StorageIOException if the file system fails, or {@code directory} is not a directory
   */
  static Optional<String> read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new StorageIOException("store path " + directory + " is not a directory");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_SIZE + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageIOException("cannot read store marker " + file + ": " + e, e);
    }
    return Optional.of(decode(bytes, file));
  }

  /**
   * Records {@code engine} as the owner of {@code directory}, which has no marker yet, creating the
   * directory durably if needed (its parent is forced). When a step fails, the marker is removed
   * again, so that a later attempt writes it anew instead of finding one whose rename was never
   * made durable.
   *
   * @throws StorageIOException naming the marker, and the directory when it is the directory that
   *     cannot be created or forced
   */
  static void write(Path directory, String engine) {
    byte[] bytes = encode(engine);
    Path file = directory.resolve(FILE_NAME);
    try {
      SyncedFiles.createDirectories(directory);
      SyncedFiles.replaceAtomically(file, bytes);
    } catch (StorageIOException e) {
      StorageIOException failure =
          new StorageIOException("cannot write store marker " + file + ": " + e.getMessage(), e);
      try {
        remove(directory);
      } catch (IOException | RuntimeException r) {
        failure.addSuppressed(r);
      }
      throw failure;
    }
  }

  /** Removes the marker again, after the engine failed to create a store it was written for. */
  static void remove(Path directory) throws IOException {
    Files.deleteIfExists(directory.resolve(FILE_NAME));
    Files.deleteIfExists(directory.resolve(TEMP_NAME));
  }

  /**
   * Up to {@code max} names of entries in {@code directory} other than the marker's temporary file;
   * empty when the directory does not exist.
   *
   * @throws StorageIOException if the file system fails
   */
  static List<String> entries(Path directory, int max) {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return names;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        String name = String.valueOf(p.getFileName());
        if (!name.equals(TEMP_NAME)) {
          names.add(name);
          if (names.size() >= max) {
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot list store directory " + directory + ": " + e, e);
    }
    return names;
  }

  static byte[] encode(String engine) {
    if (!StorageEngineProvider.isValidName(engine)) {
      throw new IllegalArgumentException("invalid engine name " + engine); // runtime bug
    }
    byte[] name = engine.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buf =
        ByteBuffer.allocate(HEADER + name.length + TRAILER).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).putShort((short) FORMAT_VERSION).put((byte) name.length).put(name);
    buf.putInt(crc(buf.array(), buf.position()));
    return buf.array();
  }

  static String decode(byte[] bytes, Path file) {
    if (bytes.length < HEADER + TRAILER) {
      throw corrupt(file, "it is " + bytes.length + " bytes long, shorter than any marker");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw corrupt(
          file, "bad magic " + HexFormat.of().formatHex(bytes, 0, MAGIC.length) + "; not a marker");
    }
    ByteBuffer buf =
        ByteBuffer.wrap(bytes, MAGIC.length, bytes.length - MAGIC.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    int version = Short.toUnsignedInt(buf.getShort());
    if (version > FORMAT_VERSION) {
      throw new IncompatibleVersionException(
          "store marker "
              + file
              + " has format version "
              + version
              + ", newer than the newest this runtime reads, "
              + FORMAT_VERSION);
    }
    if (version == 0) {
      throw corrupt(file, "format version 0 does not exist");
    }
    int length = Byte.toUnsignedInt(buf.get());
    int expected = HEADER + length + TRAILER;
    if (bytes.length != expected) {
      throw corrupt(
          file,
          "a name of "
              + length
              + " bytes makes "
              + expected
              + " bytes, but it has "
              + bytes.length);
    }
    int stored =
        ByteBuffer.wrap(bytes, expected - TRAILER, TRAILER).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int actual = crc(bytes, expected - TRAILER);
    if (stored != actual) {
      throw corrupt(
          file,
          "checksum mismatch: stored "
              + Integer.toHexString(stored)
              + ", computed "
              + Integer.toHexString(actual));
    }
    String name = new String(bytes, HEADER, length, StandardCharsets.US_ASCII);
    if (!StorageEngineProvider.isValidName(name)) {
      throw corrupt(file, "the engine name '" + name + "' is not a valid name");
    }
    return name;
  }

  private static CorruptionException corrupt(Path file, String why) {
    return new CorruptionException("store marker " + file + " is corrupt: " + why);
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
