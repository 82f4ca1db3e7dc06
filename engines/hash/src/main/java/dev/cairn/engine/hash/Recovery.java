package dev.cairn.engine.hash;

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
 * missing or damaged, and repairs what a crash left.
 *
 * <p>The steps, in order:
 *
 * <ol>
 *   <li>Temporary files ({@code *.tmp}: an unfinished merge output or hint) are deleted.
 *   <li>Every merge output names the files it replaced in its first record; those files are dead
 *       even if a crash kept them on disk, and are deleted. This is what makes a merge atomic: its
 *       output's rename is the commit point.
 *   <li>Each remaining data file is read through its hint, or scanned. Only the newest file that
 *       was ever active (the highest id that is not a merge output) may end torn: it is cut at its
 *       first bad or incomplete record, or before a batch whose last record is missing, and never
 *       read past. Any other damage is reported as {@link CorruptionException}: those files were
 *       synced before anything newer was written.
 *   <li>Records apply in any order: the one with the larger sequence number wins, so a record's
 *       place (original file or merge output) does not matter, and tombstones keep their place in
 *       the total order.
 * </ol>
 *
 * <p>Not thread-safe: runs once, before the store is shared.
 */
final class Recovery {

  private final Store store;
  private final boolean readOnly;
  private long lastSeq;
  private final List<DataFile> unhinted = new ArrayList<>();

  Recovery(Store store, boolean readOnly) {
    this.store = store;
    this.readOnly = readOnly;
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
    Path dir = store.directory;
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
    store.nextFileId.set(data.isEmpty() ? 1 : data.last() + 1);
    boolean changed = false;
    for (Path t : temps) {
      changed |= delete(t);
    }
    TreeMap<Integer, Boolean> mergeOutput = new TreeMap<>();
    TreeSet<Integer> superseded = new TreeSet<>();
    for (int id : data) {
      int[] replaced = replacedBy(dir.resolve(DataFile.name(id)));
      mergeOutput.put(id, replaced != null);
      if (replaced != null) {
        for (int r : replaced) {
          superseded.add(r);
        }
      }
    }
    for (int id : superseded) {
      if (data.remove(id)) {
        changed |= delete(dir.resolve(DataFile.name(id)));
      }
    }
    int lastWritable = 0;
    for (int id : data) {
      if (!mergeOutput.get(id)) {
        lastWritable = id;
      }
    }
    for (int id : hints) {
      if (!data.contains(id)) {
        changed |= delete(dir.resolve(DataFile.hintName(id)));
      }
    }
    if (changed && !readOnly) {
      SyncedFiles.syncDirectory(dir);
    }
    for (int id : data) {
      load(id, mergeOutput.get(id), id == lastWritable);
    }
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

  /** The ids a merge output's first record lists, or null when the file is not a merge output. */
  private static int[] replacedBy(Path file) {
    try (RecordReader r = RecordReader.open(file)) {
      RecordReader.Record first = r.next();
      if (first == null || first.type() != DataRecord.MERGE_INFO) {
        return null;
      }
      return DataRecord.parseMergeInfo(first.payload(), file + " at offset " + first.offset());
    } catch (CorruptionException e) {
      return null; // a torn header of the newest file, or damage the full scan reports
    }
  }

  private void load(int id, boolean merged, boolean mayBeTorn) {
    Path path = store.directory.resolve(DataFile.name(id));
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot read the size of a data file", e);
    }
    DataFile f = new DataFile(id, path, merged, size, store::onLastRelease);
    f.seal();
    store.addRecovered(f);
    HintFile.Trailer t =
        HintFile.read(
            f.hintPath(),
            size,
            h -> {
              if (h.offset() + h.size() <= size) {
                apply(f, h.seq(), h.key(), h.offset(), h.size(), h.tombstone());
              }
            });
    if (t != null) {
      return;
    }
    long end = scan(f, mayBeTorn);
    if (end < size) {
      cut(f, end);
    } else if (mayBeTorn && !readOnly) {
      // NB: the newest file may hold writes that reached the OS but not the disk (BUFFERED, or a
      // store that stopped before syncing). They are the baseline from now on: force them before
      // anything newer is written, or a power cut could keep the newer and lose these.
      force(f);
    }
    if (end <= 16 && !merged && !readOnly) {
      // A file with no records (a crash right after it was created): nothing to keep.
      store.removeRecovered(f);
      f.release();
      delete(path);
      SyncedFiles.syncDirectory(store.directory);
      return;
    }
    unhinted.add(f);
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
      if (mayBeTorn) {
        return 0;
      }
      throw e;
    }
    try (r) {
      for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
        if (rec.type() == DataRecord.MERGE_INFO && rec.offset() == 16) {
          continue;
        }
        String where = f.path() + " at offset " + rec.offset();
        DataRecord d = DataRecord.decode(rec.type(), rec.payload(), 0, rec.payload().length, where);
        int size = rec.payload().length + 9;
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
                + ": damaged before its end, which only the newest log file may be: "
                + (batch.isEmpty()
                    ? r.stopDetail()
                    : "a batch at offset " + batchStart + " is cut"));
      }
      return batch.isEmpty() ? r.validEnd() : batchStart;
    }
  }

  /** Cuts a torn tail off the newest file (in memory only when read-only). */
  private void cut(DataFile f, long end) {
    f.setSize(end);
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
    long h = store.keyHash.hash(key);
    Entry e = store.resolve(h, key, seq);
    Entry mine = new Entry(seq, f.id(), offset, size, tombstone);
    if (e == null) {
      store.keydir.put(h, 0, mine);
    } else if (e.seq() < seq) {
      store.keydir.put(h, e.seq(), mine);
      DataFile old = store.file(e.fileId());
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
