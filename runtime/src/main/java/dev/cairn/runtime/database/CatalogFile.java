package dev.cairn.runtime.database;

import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The catalog file of a database, {@value #FILE_NAME}: the whole {@link Catalog}, versioned and
 * checksummed, replaced atomically on every change.
 *
 * <p>Format (little-endian, as the toolkit's formats), specified in {@code
 * docs/formats/database-catalog.md}:
 *
 * <pre>
 * | magic "CAIRNDBC" (8B) | version (2B) = 1 | body length L (4B) | body (L B) | CRC32C (4B) |
 * body: | generation (8B) | next number (4B) | stores | keyspaces | retired |
 * </pre>
 *
 * <p>Written with the toolkit's {@link SyncedFiles#replaceAtomically} (temporary file, fsync,
 * atomic rename, directory fsync; decision 0014), so a crash leaves the old catalog or the new one,
 * and at worst a stale {@value #TEMP_NAME}, which is ignored and overwritten. Reading never returns
 * an empty catalog for a damaged file: every defect is a {@link CorruptionException} naming the
 * file and what was wrong, a newer format an {@link IncompatibleVersionException}.
 */
final class CatalogFile {

  static final String FILE_NAME = "CAIRN-DATABASE";
  static final String TEMP_NAME = FILE_NAME + ".tmp";

  /** The format this runtime writes and the newest it reads. */
  static final int FORMAT_VERSION = 1;

  /** The largest catalog file read: thousands of keyspaces fit; a larger file is damage. */
  static final int MAX_SIZE = 16 << 20;

  private static final byte[] MAGIC = "CAIRNDBC".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 2 + 4;
  private static final int TRAILER = 4;

  private CatalogFile() {}

  /**
   * The catalog in {@code directory}; empty when it has no catalog file.
   *
   * @throws CorruptionException naming the file and the defect
   * @throws IncompatibleVersionException if the file's format is newer than this runtime reads
   * @throws StorageIOException if the file cannot be read
   */
  static Optional<Catalog> read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_SIZE + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageIOException("cannot read database catalog " + file + ": " + e, e);
    }
    return Optional.of(decode(bytes, file));
  }

  /**
   * Replaces the catalog in {@code directory} with {@code catalog}, atomically and durably.
   *
   * @throws StorageIOException if a step fails; the file then holds the old catalog or the new one
   */
  static void write(Path directory, Catalog catalog) {
    SyncedFiles.replaceAtomically(directory.resolve(FILE_NAME), encode(catalog));
  }

  static byte[] encode(Catalog catalog) {
    String problem = catalog.problem();
    if (problem != null) {
      throw new IllegalStateException("refusing to write an invalid catalog: " + problem); // bug
    }
    Body body = new Body();
    body.buf.putLong(catalog.generation()).putInt(catalog.nextNumber());
    body.count(catalog.stores().size());
    for (Catalog.Store s : catalog.stores()) {
      body.string(s.directory()).string(s.engine()).string(s.shared());
      body.count(s.settings().size());
      s.settings().forEach((k, v) -> body.string(k).string(v));
    }
    body.count(catalog.keyspaces().size());
    for (Catalog.Named k : catalog.keyspaces()) {
      body.string(k.name()).string(k.store()).string(k.engineKeyspace());
    }
    body.count(catalog.retired().size());
    for (Catalog.Retired r : catalog.retired()) {
      body.string(r.keyspace()).string(r.store()).string(r.engine()).string(r.engineKeyspace());
    }
    int length = body.buf.position();
    ByteBuffer out = ByteBuffer.allocate(HEADER + length + TRAILER).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putShort((short) FORMAT_VERSION).putInt(length);
    out.put(body.buf.array(), 0, length);
    out.putInt(crc(out.array(), out.position()));
    return out.array();
  }

  static Catalog decode(byte[] bytes, Path file) {
    if (bytes.length > MAX_SIZE) {
      throw corrupt(file, "it is larger than " + MAX_SIZE + " bytes, the most a catalog may be");
    }
    if (bytes.length < HEADER + TRAILER) {
      throw corrupt(
          file,
          "it is "
              + bytes.length
              + " bytes long, shorter than any catalog ("
              + (HEADER + TRAILER)
              + "); torn or truncated");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw corrupt(
          file,
          "bad magic " + HexFormat.of().formatHex(bytes, 0, MAGIC.length) + "; not a catalog");
    }
    // NB: every version keeps this framing (magic, version, body length, trailing checksum), so
    // the checksum is checked before the version: a damaged version field is damage, not a newer
    // format.
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int version = Short.toUnsignedInt(buf.getShort(MAGIC.length));
    long length = Integer.toUnsignedLong(buf.getInt(MAGIC.length + 2));
    long expected = HEADER + length + TRAILER;
    if (bytes.length != expected) {
      throw corrupt(
          file,
          "its header gives a body of "
              + length
              + " bytes, making "
              + expected
              + " bytes, but the file has "
              + bytes.length
              + "; torn or truncated");
    }
    int end = (int) (HEADER + length);
    int stored = buf.getInt(end);
    int actual = crc(bytes, end);
    if (stored != actual) {
      throw corrupt(
          file,
          "checksum mismatch: stored "
              + Integer.toHexString(stored)
              + ", computed "
              + Integer.toHexString(actual));
    }
    if (version > FORMAT_VERSION) {
      throw new IncompatibleVersionException(
          "database catalog "
              + file
              + " has format version "
              + version
              + ", newer than the newest this runtime reads, "
              + FORMAT_VERSION
              + "; open the database with a newer Cairn");
    }
    if (version == 0) {
      throw corrupt(file, "format version 0 does not exist");
    }
    Catalog catalog;
    try {
      ByteBuffer body = ByteBuffer.wrap(bytes, HEADER, (int) length).slice();
      body.order(ByteOrder.LITTLE_ENDIAN);
      catalog = body(body, file);
      if (body.hasRemaining()) {
        throw corrupt(file, body.remaining() + " bytes follow the last entry");
      }
    } catch (BufferUnderflowException e) {
      throw corrupt(file, "an entry runs past the end of the body");
    }
    String problem = catalog.problem();
    if (problem != null) {
      throw corrupt(file, problem);
    }
    return catalog;
  }

  private static Catalog body(ByteBuffer b, Path file) {
    long generation = b.getLong();
    int nextNumber = b.getInt();
    int storeCount = count(b);
    List<Catalog.Store> stores = new ArrayList<>();
    for (int i = 0; i < storeCount; i++) {
      String directory = string(b, file);
      String engine = string(b, file);
      String shared = string(b, file);
      int settingCount = count(b);
      TreeMap<String, String> settings = new TreeMap<>();
      for (int j = 0; j < settingCount; j++) {
        String name = string(b, file);
        if (settings.put(name, string(b, file)) != null) {
          throw corrupt(file, "store '" + directory + "' lists setting '" + name + "' twice");
        }
      }
      stores.add(new Catalog.Store(directory, engine, shared, settings));
    }
    int keyspaceCount = count(b);
    List<Catalog.Named> keyspaces = new ArrayList<>();
    for (int i = 0; i < keyspaceCount; i++) {
      keyspaces.add(new Catalog.Named(string(b, file), string(b, file), string(b, file)));
    }
    int retiredCount = count(b);
    List<Catalog.Retired> retired = new ArrayList<>();
    for (int i = 0; i < retiredCount; i++) {
      retired.add(
          new Catalog.Retired(string(b, file), string(b, file), string(b, file), string(b, file)));
    }
    return new Catalog(generation, nextNumber, stores, keyspaces, retired);
  }

  private static int count(ByteBuffer b) {
    return Short.toUnsignedInt(b.getShort());
  }

  private static String string(ByteBuffer b, Path file) {
    int length = Short.toUnsignedInt(b.getShort());
    if (length > b.remaining()) {
      throw new BufferUnderflowException();
    }
    ByteBuffer slice = b.slice(b.position(), length);
    b.position(b.position() + length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw corrupt(file, "a name is not valid UTF-8");
    }
  }

  private static CorruptionException corrupt(Path file, String why) {
    return new CorruptionException("database catalog " + file + " is corrupt: " + why);
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  /** A growing little-endian buffer for the body. */
  private static final class Body {
    ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    private void ensure(int more) {
      if (buf.remaining() < more) {
        ByteBuffer bigger =
            ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                .order(ByteOrder.LITTLE_ENDIAN);
        bigger.put(buf.array(), 0, buf.position());
        buf = bigger;
      }
    }

    Body count(int n) {
      if (n > 0xFFFF) {
        throw new IllegalStateException("more than 65535 entries in a catalog list");
      }
      ensure(2);
      buf.putShort((short) n);
      return this;
    }

    Body string(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 0xFFFF) {
        throw new IllegalStateException("a catalog string of more than 65535 bytes");
      }
      ensure(2 + bytes.length);
      buf.putShort((short) bytes.length).put(bytes);
      return this;
    }
  }
}
