package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.ViewGuard;
import java.util.ArrayList;
import java.util.List;

/**
 * A full, unordered iteration over a snapshot, for export and migration: reads the snapshot's data
 * files in order and yields each put record that is its key's version at the snapshot's sequence.
 *
 * <p>Reads sequentially through its own channels on the caller's thread: an interrupt closes only
 * this cursor's channel, and {@link #next()} then fails with {@link
 * dev.cairn.spi.StorageIOException}; the store is unaffected.
 *
 * <p>Not thread-safe: one thread at a time. Must be closed; closing its snapshot or store closes
 * it. A cursor opened on the store owns a snapshot of its own.
 */
final class HashCursor implements Cursor {

  private final HashSnapshot snapshot;
  private final boolean ownsSnapshot;
  private final ViewGuard guard = new ViewGuard();
  private int nextFile;
  private RecordReader reader;
  private long[] salvaged; // in salvage mode: offset and size of each record that verified
  private int salvagedAt;
  private long limit;
  private byte[] key;
  private byte[] value;
  private boolean exhausted;
  private volatile boolean closed;

  HashCursor(HashSnapshot snapshot, boolean ownsSnapshot) {
    this.snapshot = snapshot;
    this.ownsSnapshot = ownsSnapshot;
  }

  /** The snapshot the cursor reads. */
  HashSnapshot snapshot() {
    return snapshot;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("cursor is closed");
    }
  }

  @Override
  public boolean next() {
    checkOpen();
    guard.invalidate();
    key = null;
    value = null;
    while (!exhausted) {
      if (reader == null && salvaged == null) {
        if (nextFile >= snapshot.files.size()) {
          exhausted = true;
          break;
        }
        DataFile f = snapshot.files.get(nextFile);
        limit = snapshot.sizes[nextFile];
        nextFile++;
        if (snapshot.state.salvage) {
          salvaged = salvagedRecords(f);
          salvagedAt = 0;
        } else {
          reader = RecordReader.open(f.path());
        }
      }
      if (salvaged != null) {
        if (salvagedAt >= salvaged.length) {
          salvaged = null;
          continue;
        }
        DataFile f = snapshot.files.get(nextFile - 1);
        long offset = salvaged[salvagedAt++];
        int size = (int) salvaged[salvagedAt++];
        DataFile.RecordBytes r = f.readRecord(offset, size);
        if (offer(
            DataRecord.decode(
                r.type(), r.bytes(), r.payloadOffset(), r.payloadLength(), f.where(offset)))) {
          return true;
        }
        continue;
      }
      RecordReader.Record rec = reader.next();
      if (rec == null || rec.offset() >= limit) {
        boolean damaged = rec == null && reader.validEnd() < limit;
        String detail = reader.stopDetail();
        reader.close();
        reader = null;
        if (damaged) {
          throw new CorruptionException(
              snapshot.files.get(nextFile - 1).path() + ": cursor stopped early: " + detail);
        }
        continue;
      }
      if (!DataRecord.isOperation(rec.type()) || DataRecord.isDelete(rec.type())) {
        continue;
      }
      DataFile f = snapshot.files.get(nextFile - 1);
      DataRecord d =
          DataRecord.decode(
              rec.type(), rec.payload(), 0, rec.payload().length, f.where(rec.offset()));
      if (offer(d)) {
        return true;
      }
    }
    return false;
  }

  /** Makes {@code d} the cursor's entry if it is its key's version at the snapshot. */
  private boolean offer(DataRecord d) {
    if (d.isDelete() || d.seq() > snapshot.seq) {
      return false;
    }
    History.Version v = snapshot.state.resolveAt(d.key(), snapshot.seq, d.seq());
    if (v != null && !v.entry().tombstone() && v.entry().seq() == d.seq()) {
      key = d.key();
      value = d.value();
      return true;
    }
    return false;
  }

  /**
   * In salvage mode (a read-only store opened with {@code recovery=salvage}): where the records of
   * {@code f} that verify lie, read past its damage as recovery did (offset and size, in pairs).
   */
  private long[] salvagedRecords(DataFile f) {
    List<Long> places = new ArrayList<>();
    Salvage.read(
        f.path(),
        batch -> {
          for (Salvage.Found found : batch) {
            if (found.offset() + found.size() <= limit) {
              places.add(found.offset());
              places.add((long) found.size());
            }
          }
        });
    long[] out = new long[places.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = places.get(i);
    }
    return out;
  }

  @Override
  public void seek(byte[] target) {
    checkOpen();
    throw new UnsupportedCapabilityException(
        "seek needs capability ORDERED_SCANS, which engine 'hash' does not declare");
  }

  private void checkOnEntry() {
    checkOpen();
    if (key == null) {
      throw new InvalidStateException("cursor is not on an entry; call next() first");
    }
  }

  @Override
  public byte[] key() {
    checkOnEntry();
    return key.clone();
  }

  @Override
  public byte[] value() {
    checkOnEntry();
    return value.clone();
  }

  @Override
  public ByteView keyView() {
    checkOnEntry();
    return ByteView.of(key, guard);
  }

  @Override
  public ByteView valueView() {
    checkOnEntry();
    return ByteView.of(value, guard);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    guard.close();
    if (reader != null) {
      reader.close();
      reader = null;
    }
    snapshot.forget(this);
    if (ownsSnapshot) {
      snapshot.close();
    }
  }
}
