package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consistency check of an open store (bbolt's {@code tx_check}), used by the conformance suite
 * after every test and by {@code cairn check}.
 *
 * <p>It verifies, against a snapshot so that concurrent writes do not make false alarms:
 *
 * <ul>
 *   <li>the index tables: every entry reachable from its home slot, counts right;
 *   <li>every record of every data file, to its end: framing and checksum, a parsable payload;
 *   <li>for every record at or below the snapshot's sequence, its key's version at that sequence is
 *       at least as new (no record is newer than what the index says is newest);
 *   <li>every index entry at or below the sequence names a record with a valid checksum, the same
 *       sequence and kind (put or delete), and a key of the entry's hash;
 *   <li>every hint of a sealed file is whole and names its file's size (recovery reads the data
 *       file instead of a damaged hint, so damage there loses nothing, but it is damage).
 * </ul>
 *
 * <p>Thread-safe: reads only, through its own channels and a snapshot.
 */
final class ConsistencyChecker {

  private static final int MAX_PROBLEMS = 100;

  private ConsistencyChecker() {}

  static ConsistencyReport check(HashEngine engine, IndexState state) {
    List<String> problems = new ArrayList<>(state.keydir.check());
    AtomicLong items = new AtomicLong();
    try (HashSnapshot snap = HashSnapshot.take(engine, state)) {
      for (int i = 0; i < snap.files.size() && problems.size() < MAX_PROBLEMS; i++) {
        checkFile(snap, snap.files.get(i), snap.sizes[i], problems, items);
        if (snap.files.get(i).isSealed() && snap.files.get(i).size() == snap.sizes[i]) {
          checkHint(snap.files.get(i), snap.sizes[i], problems);
        }
      }
      state.keydir.forEach(
          (hash, e) -> {
            if (problems.size() < MAX_PROBLEMS && e.seq() <= snap.seq) {
              items.incrementAndGet();
              checkEntry(state, hash, e, problems);
            }
          });
    }
    return new ConsistencyReport(items.get(), problems);
  }

  private static void checkFile(
      HashSnapshot snap, DataFile f, long limit, List<String> problems, AtomicLong items) {
    try (RecordReader r = RecordReader.open(f.path())) {
      for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
        if (rec.offset() >= limit) {
          return;
        }
        items.incrementAndGet();
        String where = f.where(rec.offset());
        if (rec.type() == DataRecord.MERGE_INFO) {
          if (rec.offset() != RecordFormat.FILE_HEADER_SIZE || !f.isMergeOutput()) {
            problems.add(where + ": merge info outside the head of a merge output");
          }
          continue;
        }
        DataRecord d = DataRecord.decode(rec.type(), rec.payload(), 0, rec.payload().length, where);
        if (d.seq() > snap.seq) {
          continue;
        }
        if (f.isSealed()
            && DataRecord.continues(rec.type())
            && rec.offset() + RecordFormat.RECORD_HEADER_SIZE + rec.payload().length >= limit) {
          problems.add(where + ": the file ends inside a batch");
        }
        History.Version v = snap.state.resolveAt(d.key(), snap.seq, d.seq());
        if (v != null && v.entry().seq() < d.seq()) {
          problems.add(
              where
                  + ": record of key "
                  + Bytes.hex(d.key())
                  + " has sequence "
                  + d.seq()
                  + ", newer than the index's "
                  + v.entry().seq());
        } else if (v == null && !d.isDelete() && unindexedInLiveFile(snap, f, d)) {
          problems.add(
              where
                  + ": put of key "
                  + Bytes.hex(d.key())
                  + " (seq "
                  + d.seq()
                  + ") has no index entry");
        }
      }
      if (r.validEnd() < limit) {
        problems.add(f.path() + ": damaged before offset " + limit + ": " + r.stopDetail());
      }
    } catch (StorageException e) {
      problems.add(f.path() + ": " + e.getMessage());
    }
  }

  /**
   * Whether the put {@code d} of live file {@code f} has no index entry. Only in a live file: a
   * merge that dropped the key's tombstone retired the file, which the snapshot still holds. NB:
   * merge drops the tombstone, then retires its inputs, both under the merge lock; looked at
   * without it, the index may already lack the tombstone while the file is still live, a false
   * alarm (seen right after a reopen, when a merge runs at once). So a finding is confirmed under
   * the merge lock.
   */
  private static boolean unindexedInLiveFile(HashSnapshot snap, DataFile f, DataRecord d) {
    if (snap.state.file(f.id()) != f) {
      return false;
    }
    synchronized (snap.state.mergeLock) {
      return snap.state.resolveAt(d.key(), snap.seq, d.seq()) == null
          && snap.state.file(f.id()) == f;
    }
  }

  /** A hint that exists but would not be trusted: recovery read the data file instead. */
  private static void checkHint(DataFile f, long size, List<String> problems) {
    HintFile.Reading h = HintFile.read(f.hintPath(), size, e -> {});
    switch (h.verdict()) {
      case DAMAGED -> problems.add(h.detail() + " (the hint is damaged; its data file is read)");
      case OTHER_SIZE -> problems.add(f.path() + ": " + size + " bytes, but " + h.detail());
      case MISSING, TRUSTED -> {}
    }
  }

  private static void checkEntry(IndexState state, long hash, Entry e, List<String> problems) {
    DataFile f = state.file(e.fileId());
    if (f == null || !f.acquire()) {
      if (!state.keydir.isCurrent(hash, e.seq(), e.fileId(), e.offset())) {
        return; // moved by a merge meanwhile
      }
      problems.add(
          "index entry seq " + e.seq() + " names data file " + e.fileId() + ", which is gone");
      return;
    }
    try {
      if (e.offset() + e.size() > f.size()) {
        problems.add(
            f.where(e.offset()) + ": index entry (seq " + e.seq() + ") runs past the file's end");
        return;
      }
      DataFile.RecordBytes r = f.readRecord(e.offset(), e.size());
      String where = f.where(e.offset());
      DataRecord d =
          DataRecord.decode(r.type(), r.bytes(), r.payloadOffset(), r.payloadLength(), where);
      if (d.seq() != e.seq() || d.isDelete() != e.tombstone()) {
        problems.add(
            where
                + ": record (seq "
                + d.seq()
                + ") does not match its index entry (seq "
                + e.seq()
                + ")");
      } else if (state.keyHash.hash(d.key()) != hash) {
        problems.add(where + ": record's key does not hash to its index slot");
      }
    } catch (StorageException ex) {
      problems.add("index entry seq " + e.seq() + ": " + ex.getMessage());
    } finally {
      f.release();
    }
  }
}
