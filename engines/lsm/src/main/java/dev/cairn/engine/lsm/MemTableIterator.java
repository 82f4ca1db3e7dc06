package dev.cairn.engine.lsm;

/**
 * An {@link InternalIterator} over a memtable's skip list. Nodes are never removed or moved, so the
 * iterator holds its node and steps along level 0 forward; a step back is a search for the last key
 * before the current one. Entries newer than a reader's sequence are skipped by the reader above.
 */
final class MemTableIterator implements InternalIterator {

  private final MemTable memTable;
  private long node; // 0: not on an entry
  private InternalKey key; // of node, decoded on first need

  MemTableIterator(MemTable memTable) {
    this.memTable = memTable;
  }

  private void at(long n) {
    node = n;
    key = null;
  }

  @Override
  public boolean valid() {
    return node != 0;
  }

  @Override
  public void seekToFirst() {
    at(memTable.first());
  }

  @Override
  public void seekToLast() {
    at(memTable.last());
  }

  @Override
  public void seek(InternalKey target) {
    at(memTable.ceiling(target));
  }

  @Override
  public void seekForPrev(InternalKey target) {
    at(memTable.before(target, true));
  }

  @Override
  public void next() {
    at(memTable.next(node));
  }

  @Override
  public void prev() {
    at(memTable.before(key(), false));
  }

  @Override
  public InternalKey key() {
    InternalKey k = key;
    if (k == null) {
      k = memTable.key(node);
      key = k;
    }
    return k;
  }

  @Override
  public byte[] value() {
    return memTable.value(node);
  }
}
