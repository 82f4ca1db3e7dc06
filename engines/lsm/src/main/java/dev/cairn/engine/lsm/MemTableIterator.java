package dev.cairn.engine.lsm;

import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;

/**
 * An {@link InternalIterator} over a memtable's skip list. Each step is a search from the current
 * key, so the iterator is unaffected by the writer's inserts around it; entries newer than a
 * reader's sequence are skipped by the reader above.
 */
final class MemTableIterator implements InternalIterator {

  private final ConcurrentNavigableMap<InternalKey, byte[]> map;
  private Map.Entry<InternalKey, byte[]> current;

  MemTableIterator(MemTable memTable) {
    this.map = memTable.entriesView();
  }

  @Override
  public boolean valid() {
    return current != null;
  }

  @Override
  public void seekToFirst() {
    current = map.firstEntry();
  }

  @Override
  public void seekToLast() {
    current = map.lastEntry();
  }

  @Override
  public void seek(InternalKey target) {
    current = map.ceilingEntry(target);
  }

  @Override
  public void seekForPrev(InternalKey target) {
    current = map.floorEntry(target);
  }

  @Override
  public void next() {
    current = map.higherEntry(current.getKey());
  }

  @Override
  public void prev() {
    current = map.lowerEntry(current.getKey());
  }

  @Override
  public InternalKey key() {
    return current.getKey();
  }

  @Override
  public byte[] value() {
    return current.getValue();
  }
}
