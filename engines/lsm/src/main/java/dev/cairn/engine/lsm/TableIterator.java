package dev.cairn.engine.lsm;

/**
 * An {@link InternalIterator} over one table: a cursor on its index block, and one on the data
 * block the index entry names (a two-level iterator, LevelDB's {@code two_level_iterator.cc}). Data
 * blocks come through the block cache; blocks it reads are cached unless it was made not to fill
 * the cache (compaction's).
 */
final class TableIterator implements InternalIterator {

  private final Table table;
  private final boolean fillCache;
  private final Block.Cursor index;
  private Block.Cursor data;
  private InternalKey key;

  TableIterator(Table table, boolean fillCache) {
    this.table = table;
    this.fillCache = fillCache;
    this.index = table.index().cursor();
  }

  @Override
  public boolean valid() {
    return key != null;
  }

  @Override
  public void seekToFirst() {
    index.seekToFirst();
    load();
    if (data != null) {
      data.seekToFirst();
    }
    skipForward();
  }

  @Override
  public void seekToLast() {
    index.seekToLast();
    load();
    if (data != null) {
      data.seekToLast();
    }
    skipBackward();
  }

  @Override
  public void seek(InternalKey target) {
    index.seek(target);
    load();
    if (data != null) {
      data.seek(target);
    }
    skipForward();
  }

  @Override
  public void seekForPrev(InternalKey target) {
    index.seek(target);
    if (!index.valid()) {
      index.seekToLast();
    }
    load();
    if (data != null) {
      data.seekForPrev(target);
    }
    skipBackward();
  }

  @Override
  public void next() {
    data.next();
    skipForward();
  }

  @Override
  public void prev() {
    data.prev();
    skipBackward();
  }

  @Override
  public InternalKey key() {
    return key;
  }

  @Override
  public byte[] value() {
    return data.value();
  }

  private void load() {
    data = index.valid() ? table.block(table.handleAt(index), fillCache).cursor() : null;
  }

  private void skipForward() {
    while (data != null && !data.valid()) {
      index.next();
      load();
      if (data != null) {
        data.seekToFirst();
      }
    }
    settle();
  }

  private void skipBackward() {
    while (data != null && !data.valid()) {
      index.prev();
      load();
      if (data != null) {
        data.seekToLast();
      }
    }
    settle();
  }

  private void settle() {
    key = data == null ? null : InternalKey.decode(data.keyBuffer(), 0, data.keyLength());
  }
}
