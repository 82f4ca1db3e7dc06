package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Opening a store: rebuilds the key directory from hint files, or from data files where a hint is
 * missing or damaged, and repairs what a crash left, and only that.
 *
 * <p>The steps, in order:
 *
 * <ol>
 *   <li>An unfinished merge output ({@code <id>.data.tmp}) is deleted, its hint first if it has
 *       one, then the output; other temporary files ({@code *.tmp}) are deleted.
 *   <li>Every merge output names the files it replaced in its first record; those files are dead
 *       even if a crash kept them on disk, and are deleted with their hints. This is what makes a
 *       merge atomic: its output's rename is the commit point.
 *   <li>A hint whose data file is missing, and not replaced by a merge, is evidence that a data
 *       file was lost: {@link CorruptionException}. (Every hint is renamed into place after its
 *       data file is sealed, or, for a merge output, just before the output's own rename, which
 *       step 1 undoes; and hints are deleted before their data files.)
 *   <li>Each remaining data file is read through its hint, or scanned. Only the newest file that
 *       was ever appended to (the highest id that is not a merge output) may end torn, and only if
 *       it has no hint: it is cut at its first bad or incomplete record, or before a batch whose
 *       last record is missing, and never read past. Any other damage is reported as {@link
 *       CorruptionException} naming the file and offset: those files were synced before anything
 *       newer was written, and a hint is written only for a sealed file. A hint that is whole but
 *       records another size than its data file has is corruption too: a sealed file never changes.
 *   <li>Records apply in any order: the one with the larger sequence number wins, so a record's
 *       place (original file or merge output) does not matter, and tombstones keep their place in
 *       the total order.
 * </ol>
 *
 * <p>Recovery deletes only what a crash leaves behind by design (temporary files, files a committed
 * merge replaced, an empty newest file, a torn tail); it never deletes or cuts a file it finds
 * damaged otherwise, so the evidence stays for {@code cairn check} and for whoever repairs the
 * store.
 *
 * <p>Not thread-safe: runs once, before the store is shared.
 */
final class Recovery {

  private static final int HEADER = RecordFormat.FILE_HEADER_SIZE;

  private final IndexState state;
  private final boolean readOnly;
  private final boolean salvage;
  private long lastSeq;
  private final List<DataFile> unhinted = new ArrayList<>();
  private final List<String> losses = new ArrayList<>();
  private long bytesRead;

  Recovery(IndexState state, boolean readOnly) {
    this(state, readOnly, false);
  }

  /**
   * A recovery; {@code salvage} (read-only only) reads past damage instead of refusing it: hints
   * are ignored, every data file is read record by record ({@link Salvage}), and what could not be
   * read is listed in {@link #losses()}.
   */
  Recovery(IndexState state, boolean readOnly, boolean salvage) {
    this.state = state;
    this.readOnly = readOnly || salvage;
    this.salvage = salvage;
  }

  /** In salvage, what could not be read (files, byte ranges, why); empty otherwise. */
  List<String> losses() {
    return losses;
  }

  /** The bytes read: each trusted hint, or the data file it could not stand for. */
  long bytesRead() {
    return bytesRead;
  }

  /** The largest sequence number found. */
  long lastSeq() {
    return lastSeq;
  }

  /** Sealed files that have no valid hint yet. */
  List<DataFile> unhinted() {
    return unhinted;
  }

  void run() {
    Path dir = state.directory;
    TreeSet<Integer> data = new TreeSet<>();
    TreeSet<Integer> hints = new TreeSet<>();
    List<Path> temps = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (isOwnTemp(name)) {
          temps.add(p);
        } else if (DataFile.idOf(name, ".data") > 0) {
          data.add(DataFile.idOf(name, ".data"));
        } else if (DataFile.idOf(name, ".hint") > 0) {
          hints.add(DataFile.idOf(name, ".hint"));
        }
      }
    } catch (IOException e) {
      throw new StorageIOException(dir + ": cannot list the store directory", e);
    }
    state.nextFileId.set(Math.max(data.isEmpty() ? 1 : data.last() + 1, nextAfter(hints, temps)));
    boolean changed = false;
    for (Path t : temps) {
      String base = t.getFileName().toString();
      int unfinished = DataFile.idOf(base.substring(0, base.length() - 4), ".data");
      if (unfinished > 0 && !data.contains(unfinished) && hints.remove(unfinished)) {
        changed |= delete(dir.resolve(DataFile.hintName(unfinished)));
      }
      changed |= delete(t);
    }
    int newest = 0; // the newest file ever appended to: the highest id not a merge output
    TreeMap<Integer, Boolean> mergeOutput = new TreeMap<>();
    TreeSet<Integer> superseded = new TreeSet<>();
    for (int id : data.descendingSet()) {
      // NB: only a file that may be torn (the newest appended to, without a hint) may have a
      // damaged first record; for any other, damage there is corruption, never "not a merge
      // output".
      boolean mayBeTorn = newest == 0 && !hints.contains(id);
      int[] replaced;
      try {
        replaced = replacedBy(dir.resolve(DataFile.name(id)), mayBeTorn);
      } catch (CorruptionException e) {
        if (!salvage) {
          throw e;
        }
        replaced = null; // read as a plain file: its records are salvaged like any other
      }
      mergeOutput.put(id, replaced != null);
      if (replaced != null) {
        for (int r : replaced) {
          superseded.add(r);
        }
      } else if (newest == 0) {
        newest = id;
      }
    }
    for (int id : hints) {
      if (!data.contains(id) && !superseded.contains(id)) {
        if (salvage) {
          losses.add(
              dir.resolve(DataFile.name(id))
                  + ": missing (its hint "
                  + DataFile.hintName(id)
                  + " remains): everything only it held is lost");
          continue;
        }
        throw new CorruptionException(
            dir.resolve(DataFile.hintName(id))
                + ": the hint of data file "
                + DataFile.name(id)
                + ", which is missing: a data file was lost or deleted");
      }
    }
    for (int id : superseded) {
      if (id == newest && !salvage) {
        throw new CorruptionException(
            dir.resolve(DataFile.name(id))
                + ": listed as replaced by a merge, yet it is the newest file written to");
      }
      // NB: the hint goes first: a hint without its data file is otherwise evidence of a loss.
      if (hints.remove(id)) {
        changed |= delete(dir.resolve(DataFile.hintName(id)));
      }
      if (data.remove(id)) {
        changed |= delete(dir.resolve(DataFile.name(id)));
      }
    }
    if (changed && !readOnly) {
      SyncedFiles.syncDirectory(dir);
    }
    for (int id : data) {
      load(id, mergeOutput.get(id), id == newest && !hints.contains(id));
    }
  }

  /** The id after every id a hint or temporary file uses: ids are never reused. */
  private static int nextAfter(TreeSet<Integer> hints, List<Path> temps) {
    int max = hints.isEmpty() ? 0 : hints.last();
    for (Path t : temps) {
      String base = t.getFileName().toString();
      base = base.substring(0, base.length() - 4);
      max = Math.max(max, Math.max(DataFile.idOf(base, ".data"), DataFile.idOf(base, ".hint")));
    }
    return max + 1;
  }

  /** Temporary files this engine writes: unfinished data files, hints and manifests. */
  static boolean isOwnTemp(String name) {
    if (!name.endsWith(".tmp")) {
      return false;
    }
    String base = name.substring(0, name.length() - 4);
    return base.equals(Manifest.FILE_NAME)
        || DataFile.idOf(base, ".data") > 0
        || DataFile.idOf(base, ".hint") > 0;
  }

  /**
   * The ids a merge output's first record lists, or null when the file is not a merge output.
   *
   * @param mayBeTorn whether the file may end torn; if so, a damaged first record means "no
   *     records", else it is corruption
   */
  private static int[] replacedBy(Path file, boolean mayBeTorn) {
    try (RecordReader r = RecordReader.open(file)) {
      RecordReader.Record first = r.next();
      if (first == null && !mayBeTorn && r.stop() != RecordReader.Stop.END_OF_FILE) {
        throw new CorruptionException(
            file + ": damaged at offset " + r.validEnd() + ": " + r.stopDetail());
      }
      if (first == null || first.type() != DataRecord.MERGE_INFO) {
        return null;
      }
      return DataRecord.parseMergeInfo(first.payload(), file + " at offset " + first.offset());
    } catch (CorruptionException e) {
      if (mayBeTorn && tornHeaderPossible(file)) {
        return null; // a torn header of the newest file: the scan decides
      }
      throw e;
    }
  }

  /**
   * Whether a bad file header may come from a crash: the header is synced before any record is
   * appended, so only a file that holds nothing past it may have a torn one.
   */
  private static boolean tornHeaderPossible(Path file) {
    try {
      return Files.size(file) <= HEADER;
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot read the size of a data file", e);
    }
  }

  private void load(int id, boolean merged, boolean mayBeTorn) {
    Path path = state.directory.resolve(DataFile.name(id));
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot read the size of a data file", e);
    }
    DataFile f = new DataFile(id, path, merged, size, state::onLastRelease);
    bytesRead += size; // less the file's size again below, when its hint stands for it
    if (salvage) {
      f.seal();
      state.addRecovered(f);
      List<Salvage.Loss> lost = Salvage.read(path, batch -> applySalvaged(f, batch));
      if (!lost.isEmpty()) {
        List<HintFile.Hint> hinted = new ArrayList<>();
        HintFile.read(f.hintPath(), size, hinted::add); // whatever of it still reads
        for (Salvage.Loss loss : lost) {
          losses.add(loss + namedByHint(loss, hinted));
        }
      }
      return;
    }
    if (!mayBeTorn) {
      f.seal(); // its size is final; the newest file is sealed once its torn tail is cut
    }
    state.addRecovered(f);
    HintFile.Reading hint =
        HintFile.read(
            f.hintPath(),
            size,
            h -> {
              if (h.offset() + h.size() <= size) {
                apply(f, h.seq(), h.key(), h.offset(), h.size(), h.tombstone());
              }
            });
    switch (hint.verdict()) {
      case TRUSTED -> {
        bytesRead += hintSize(f) - size;
        return;
      }
      case OTHER_SIZE ->
          throw new CorruptionException(
              path
                  + ": the file is "
                  + size
                  + " bytes long, but "
                  + hint.detail()
                  + ": a sealed file never changes, so it was cut or extended since");
      case MISSING, DAMAGED -> {}
    }
    long end = scan(f, mayBeTorn);
    if (end < size) {
      cut(f, end); // NB: before the file is sealed and mapped, so no mapping passes its new end
    } else if (mayBeTorn && !readOnly) {
      // NB: the newest file may hold writes that reached the OS but not the disk (BUFFERED, or a
      // store that stopped before syncing). They are the baseline from now on: force them before
      // anything newer is written, or a power cut could keep the newer and lose these.
      force(f);
    }
    f.seal();
    if (end <= HEADER && mayBeTorn && !readOnly) {
      // A file with no records (a crash right after it was created): nothing to keep.
      state.removeRecovered(f);
      f.release();
      delete(path);
      SyncedFiles.syncDirectory(state.directory);
      return;
    }
    unhinted.add(f);
  }

  /** What the file's hint says the lost range held: how many records, and of which keys. */
  private static String namedByHint(Salvage.Loss loss, List<HintFile.Hint> hinted) {
    List<String> keys = new ArrayList<>();
    for (HintFile.Hint h : hinted) {
      if (h.offset() < loss.to() && h.offset() + h.size() > loss.from()) {
        keys.add((h.tombstone() ? "delete of " : "") + Bytes.hex(h.key()));
      }
    }
    if (keys.isEmpty()) {
      return hinted.isEmpty() ? "; no hint names what it held" : "";
    }
    int shown = Math.min(keys.size(), 10);
    return "; its hint names "
        + keys.size()
        + (keys.size() == 1 ? " record there, of key " : " records there, of keys ")
        + String.join(", ", keys.subList(0, shown))
        + (shown < keys.size() ? ", ..." : "")
        + " (a key may read an older version now)";
  }

  private void applySalvaged(DataFile f, List<Salvage.Found> batch) {
    for (Salvage.Found found : batch) {
      DataRecord d = found.record();
      apply(f, d.seq(), d.key(), found.offset(), found.size(), d.isDelete());
    }
  }

  private static long hintSize(DataFile f) {
    try {
      return Files.size(f.hintPath());
    } catch (IOException e) {
      return 0; // read a moment ago; its size only feeds a figure
    }
  }

  /** Reads every record of {@code f}; returns where its valid content ends. */
  private long scan(DataFile f, boolean mayBeTorn) {
    List<DataRecord> batch = new ArrayList<>();
    List<long[]> batchPlaces = new ArrayList<>();
    long batchStart = -1;
    RecordReader r;
    try {
      r = RecordReader.open(f.path());
    } catch (CorruptionException e) {
      if (mayBeTorn && tornHeaderPossible(f.path())) {
        return 0;
      }
      throw new CorruptionException(f.path() + ": damaged file header at offset 0", e);
    }
    try (r) {
      for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
        if (rec.type() == DataRecord.MERGE_INFO && rec.offset() == HEADER) {
          continue;
        }
        String where = f.path() + " at offset " + rec.offset();
        DataRecord d;
        try {
          d = DataRecord.decode(rec.type(), rec.payload(), 0, rec.payload().length, where);
        } catch (CorruptionException e) {
          if (!mayBeTorn) {
            throw e;
          }
          // NB: a record whose checksum holds but whose payload does not parse was written so
          // (a bug), or damaged with its checksum: only the newest file may drop it, as torn.
          return batch.isEmpty() ? rec.offset() : batchStart;
        }
        int size = rec.payload().length + RecordFormat.RECORD_HEADER_SIZE;
        if (batch.isEmpty()) {
          batchStart = rec.offset();
        }
        batch.add(d);
        batchPlaces.add(new long[] {rec.offset(), size});
        if (!DataRecord.continues(rec.type())) {
          for (int i = 0; i < batch.size(); i++) {
            DataRecord b = batch.get(i);
            long[] p = batchPlaces.get(i);
            apply(f, b.seq(), b.key(), p[0], (int) p[1], b.isDelete());
          }
          batch.clear();
          batchPlaces.clear();
        }
      }
      boolean clean = r.stop() == RecordReader.Stop.END_OF_FILE && batch.isEmpty();
      if (clean) {
        return r.validEnd();
      }
      if (!mayBeTorn) {
        throw new CorruptionException(
            f.path()
                + ": damaged at offset "
                + (batch.isEmpty() ? r.validEnd() : batchStart)
                + ", and only the newest file written to, without a hint, may end torn: "
                + (batch.isEmpty()
                    ? r.stopDetail()
                    : "the batch that starts there has no last record"));
      }
      return batch.isEmpty() ? r.validEnd() : batchStart;
    }
  }

  /** Cuts a torn tail off the newest file (in memory only when read-only). */
  private void cut(DataFile f, long end) {
    f.cutTo(end);
    if (readOnly) {
      return;
    }
    try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.WRITE)) {
      ch.truncate(end);
      ch.force(true);
    } catch (IOException e) {
      throw new StorageIOException(f.path() + ": cannot cut the torn tail at offset " + end, e);
    }
  }

  private static void force(DataFile f) {
    try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      throw new StorageIOException(f.path() + ": cannot sync the newest log file", e);
    }
  }

  private void apply(DataFile f, long seq, byte[] key, long offset, int size, boolean tombstone) {
    long h = state.keyHash.hash(key);
    Entry e = state.resolve(h, key, seq);
    Entry mine = new Entry(seq, f.id(), offset, size, tombstone);
    if (e == null) {
      state.keydir.put(h, 0, mine);
    } else if (e.seq() < seq) {
      state.keydir.put(h, e.seq(), mine);
      DataFile old = state.file(e.fileId());
      if (old != null) {
        old.addStale(e.size());
      }
    } else if (e.seq() > seq) {
      f.addStale(size);
    }
    f.noteSeq(seq);
    lastSeq = Math.max(lastSeq, seq);
  }

  private boolean delete(Path p) {
    if (readOnly) {
      return false;
    }
    try {
      return Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new StorageIOException(p + ": cannot delete", e);
    }
  }
}
