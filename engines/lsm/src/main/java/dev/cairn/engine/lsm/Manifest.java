package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Crc32c;
import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.engine.toolkit.RecordWriter;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The manifest and the pointer to it ({@code docs/formats/lsm-manifest.md}).
 *
 * <p>{@code CURRENT} names the live manifest. It is replaced atomically (written beside, forced,
 * renamed over, directory forced: {@link SyncedFiles#replaceAtomically}), so after a crash it names
 * the old manifest or the new one, whole:
 *
 * <pre>
 * CURRENT: | magic "CAIRNLSM" (8B) | format version (4B LE) | manifest number (8B LE) |
 *          | masked CRC32C of the 20 bytes before (4B LE) |
 * </pre>
 *
 * <p>A manifest is a record log of the toolkit ({@code docs/formats/toolkit-record.md}): a header
 * record ({@value #HEADER}: magic and format version, as in {@code CURRENT}), then version edits
 * ({@value #EDIT}, {@link VersionEdit}), the first of which describes the whole tree. Each edit is
 * forced before anything acts on it, so at most the last record can be torn by a crash: replay
 * drops a damaged or incomplete last stretch as a torn tail. The header and first edit are forced
 * before {@code CURRENT} names the manifest, so damage there is corruption.
 */
final class Manifest {

  static final int HEADER = 1;
  static final int EDIT = 2;
  static final int CURRENT_SIZE = 24;
  private static final byte[] MAGIC = "CAIRNLSM".getBytes(StandardCharsets.US_ASCII);

  /**
   * What a manifest holds.
   *
   * @param edits its edits, the first describing the whole tree
   * @param tornTail whether a damaged or incomplete tail was dropped (and what stopped the reader)
   */
  record Replay(List<VersionEdit> edits, String tornTail) {}

  private Manifest() {}

  static boolean currentExists(Path dir) {
    return Files.exists(dir.resolve(FileNames.CURRENT));
  }

  /** Points {@code CURRENT} at manifest {@code number}, atomically. */
  static void writeCurrent(Path dir, long number) {
    ByteBuffer b = ByteBuffer.allocate(CURRENT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(FormatVersion.CURRENT.number()).putLong(number);
    b.putInt(Crc32c.mask(Crc32c.value(b.array(), 0, 20)));
    SyncedFiles.replaceAtomically(dir.resolve(FileNames.CURRENT), b.array());
  }

  /**
   * The number of the manifest {@code CURRENT} names.
   *
   * @throws CorruptionException if {@code CURRENT} is damaged
   * @throws dev.cairn.spi.IncompatibleVersionException if its format is newer
   */
  static long readCurrent(Path dir) {
    Path file = dir.resolve(FileNames.CURRENT);
    byte[] bytes;
    try {
      if (Files.size(file) != CURRENT_SIZE) {
        throw new CorruptionException(
            file
                + ": "
                + Files.size(file)
                + " bytes, not the "
                + CURRENT_SIZE
                + " of a CURRENT file");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot read", e);
    }
    String where = file.toString();
    if (bytes.length != CURRENT_SIZE || !Arrays.equals(bytes, 0, 8, MAGIC, 0, 8)) {
      throw new CorruptionException(where + ": not an LSM store's CURRENT file (bad magic)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (Crc32c.mask(Crc32c.value(bytes, 0, 20)) != b.getInt(20)) {
      throw new CorruptionException(where + ": fails its checksum");
    }
    FormatVersion.of(b.getInt(8), where);
    long number = b.getLong(12);
    if (number <= 0) {
      throw new CorruptionException(where + ": names manifest " + number);
    }
    return number;
  }

  private static byte[] header() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(FormatVersion.CURRENT.number());
    return b.array();
  }

  /**
   * Creates manifest {@code number} holding {@code snapshot} (the whole tree), forced with its
   * directory; {@code CURRENT} does not name it yet.
   *
   * @return the open manifest, to append edits to
   */
  static RecordWriter create(Path dir, long number, VersionEdit snapshot) {
    RecordWriter w = RecordWriter.create(FileNames.manifest(dir, number));
    try {
      w.append(HEADER, header());
      w.append(EDIT, snapshot.encode());
      w.sync();
      return w;
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /**
   * Reads manifest {@code number}.
   *
   * @throws CorruptionException if the header or first edit is damaged or missing, or an edit that
   *     passed its checksum does not parse
   * @throws dev.cairn.spi.IncompatibleVersionException if its format is newer
   * @throws StorageIOException if it cannot be read (a missing manifest included)
   */
  static Replay read(Path dir, long number) {
    Path file = FileNames.manifest(dir, number);
    String where = file.toString();
    if (!Files.exists(file)) {
      throw new CorruptionException(where + ": the manifest CURRENT names is missing");
    }
    List<VersionEdit> edits = new ArrayList<>();
    try (RecordReader r = RecordReader.open(file)) {
      RecordReader.Record header = r.next();
      if (header == null
          || header.type() != HEADER
          || header.payload().length != 12
          || !Arrays.equals(header.payload(), 0, 8, MAGIC, 0, 8)) {
        throw new CorruptionException(
            where + ": no manifest header" + (header == null ? " (" + r.stopDetail() + ")" : ""));
      }
      FormatVersion.of(
          ByteBuffer.wrap(header.payload()).order(ByteOrder.LITTLE_ENDIAN).getInt(8), where);
      for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
        String at = where + " at offset " + rec.offset();
        if (rec.type() != EDIT) {
          throw new CorruptionException(at + ": record of type " + rec.type() + " in a manifest");
        }
        edits.add(VersionEdit.decode(rec.payload(), at));
      }
      if (edits.isEmpty()) {
        throw new CorruptionException(
            where
                + ": no edit after the header ("
                + r.stopDetail()
                + " at offset "
                + r.validEnd()
                + ")");
      }
      String torn =
          r.stop() == RecordReader.Stop.END_OF_FILE
              ? null
              : r.stop() + " at offset " + r.validEnd() + ": " + r.stopDetail();
      return new Replay(edits, torn);
    }
  }
}
