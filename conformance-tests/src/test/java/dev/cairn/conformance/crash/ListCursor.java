package dev.cairn.conformance.crash;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/** A cursor over a copy of a test engine's entries taken when it opened. Not thread-safe. */
final class ListCursor implements Cursor {

  private final List<Map.Entry<byte[], byte[]>> entries;
  private final Direction direction;
  private final ViewGuard guard = new ViewGuard();
  private int next;
  private int current = -1;
  private boolean closed;

  ListCursor(NavigableMap<byte[], byte[]> map, KeyRange range, Direction direction) {
    List<Map.Entry<byte[], byte[]>> list = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
      if (range.contains(e.getKey())) {
        list.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    if (direction == Direction.REVERSE) {
      java.util.Collections.reverse(list);
    }
    this.entries = list;
    this.direction = direction;
  }

  private void open() {
    if (closed) {
      throw new ClosedHandleException("cursor is closed");
    }
  }

  @Override
  public boolean next() {
    open();
    guard.invalidate();
    if (next < entries.size()) {
      current = next++;
      return true;
    }
    current = -1;
    return false;
  }

  @Override
  public void seek(byte[] key) {
    open();
    Limits.checkKey(key);
    guard.invalidate();
    current = -1;
    next = 0;
    while (next < entries.size()) {
      int c = Arrays.compareUnsigned(entries.get(next).getKey(), key);
      if (direction == Direction.FORWARD ? c >= 0 : c <= 0) {
        break;
      }
      next++;
    }
  }

  private Map.Entry<byte[], byte[]> entry() {
    open();
    if (current < 0) {
      throw new InvalidStateException("cursor is not on an entry");
    }
    return entries.get(current);
  }

  @Override
  public byte[] key() {
    return entry().getKey().clone();
  }

  @Override
  public byte[] value() {
    return entry().getValue().clone();
  }

  @Override
  public ByteView keyView() {
    return ByteView.of(entry().getKey(), guard);
  }

  @Override
  public ByteView valueView() {
    return ByteView.of(entry().getValue(), guard);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      guard.close();
    }
  }
}
