package dev.cairn.engine.lsm;

import java.util.List;

/**
 * An {@link InternalIterator} over a level of at least 1: its tables are sorted and disjoint, so
 * one table is read at a time, opened when the iterator reaches it (LevelDB's concatenating
 * iterator).
 */
final class LevelIterator implements InternalIterator {

  private final List<TableFile> files;
  private final boolean fillCache;
  private int index = -1;
  private TableIterator current;

  LevelIterator(List<TableFile> files) {
    this(files, true);
  }

  /** An iterator whose tables cache the blocks they read only if {@code fillCache}. */
  LevelIterator(List<TableFile> files, boolean fillCache) {
    this.files = files;
    this.fillCache = fillCache;
  }

  @Override
  public boolean valid() {
    return current != null && current.valid();
  }

  private void open(int i) {
    index = i;
    current = i >= 0 && i < files.size() ? files.get(i).table().iterator(fillCache) : null;
  }

  @Override
  public void seekToFirst() {
    open(0);
    if (current != null) {
      current.seekToFirst();
    }
    skipForward();
  }

  @Override
  public void seekToLast() {
    open(files.size() - 1);
    if (current != null) {
      current.seekToLast();
    }
    skipBackward();
  }

  @Override
  public void seek(InternalKey target) {
    open(Version.findFile(files, target));
    if (current != null) {
      current.seek(target);
    }
    skipForward();
  }

  @Override
  public void seekForPrev(InternalKey target) {
    int i = Version.findFile(files, target);
    if (i == files.size()) {
      i--;
    }
    open(i);
    if (current != null) {
      current.seekForPrev(target);
    }
    skipBackward();
  }

  @Override
  public void next() {
    current.next();
    skipForward();
  }

  @Override
  public void prev() {
    current.prev();
    skipBackward();
  }

  private void skipForward() {
    while (current != null && !current.valid()) {
      open(index + 1);
      if (current != null) {
        current.seekToFirst();
      }
    }
  }

  private void skipBackward() {
    while (current != null && !current.valid()) {
      open(index - 1);
      if (current != null) {
        current.seekToLast();
      }
    }
  }

  @Override
  public InternalKey key() {
    return current.key();
  }

  @Override
  public byte[] value() {
    return current.value();
  }
}
