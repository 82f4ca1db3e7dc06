package com.example.treemap;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A cursor over the entries of its range as they were when it opened. One thread at a time. */
final class TreeMapCursor implements Cursor {

  private final List<Map.Entry<byte[], byte[]>> entries;
  private final Direction direction;
  private final Set<TreeMapCursor> open;
  private final ViewGuard guard = new ViewGuard();
  private int position = -1;
  private boolean onEntry;
  private boolean closed;

  TreeMapCursor(
      List<Map.Entry<byte[], byte[]>> entries, Direction direction, Set<TreeMapCursor> open) {
    this.entries = entries;
    this.direction = direction;
    this.open = open;
  }

  private Map.Entry<byte[], byte[]> current() {
    if (closed) {
      throw new ClosedHandleException("cursor is closed");
    }
    if (!onEntry) {
      throw new InvalidStateException("cursor is not on an entry");
    }
    return entries.get(position);
  }

  @Override
  public boolean next() {
    if (closed) {
      throw new ClosedHandleException("cursor is closed");
    }
    guard.invalidate();
    if (position < entries.size()) {
      position++;
    }
    onEntry = position < entries.size();
    return onEntry;
  }

  @Override
  public void seek(byte[] key) {
    Limits.checkKey(key);
    if (closed) {
      throw new ClosedHandleException("cursor is closed");
    }
    guard.invalidate();
    int i = 0;
    while (i < entries.size() && !reached(entries.get(i).getKey(), key)) {
      i++;
    }
    position = i - 1;
    onEntry = false;
  }

  private boolean reached(byte[] entry, byte[] target) {
    int c = Arrays.compareUnsigned(entry, target);
    return direction == Direction.FORWARD ? c >= 0 : c <= 0;
  }

  @Override
  public byte[] key() {
    return current().getKey().clone();
  }

  @Override
  public byte[] value() {
    return current().getValue().clone();
  }

  @Override
  public ByteView keyView() {
    return ByteView.of(current().getKey(), guard);
  }

  @Override
  public ByteView valueView() {
    return ByteView.of(current().getValue(), guard);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      guard.close();
      open.remove(this);
    }
  }
}
