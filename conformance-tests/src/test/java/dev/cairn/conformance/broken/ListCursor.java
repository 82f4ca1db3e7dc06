package dev.cairn.conformance.broken;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A cursor over a list of entries, in the list's order, seeking by {@code order}: how broken
 * engines serve a tampered range.
 */
final class ListCursor implements Cursor {

  record Entry(byte[] key, byte[] value) {}

  private final List<Entry> entries;
  private final Comparator<byte[]> order;
  private final Direction direction;
  private final boolean stableViews;
  private final ViewGuard guard = new ViewGuard();
  private int position = -1;
  private boolean onEntry;
  private boolean closed;

  ListCursor(
      List<Entry> entries, Comparator<byte[]> order, Direction direction, boolean stableViews) {
    this.entries = entries;
    this.order = order;
    this.direction = direction;
    this.stableViews = stableViews;
  }

  /** Every entry {@code c} yields, in its order; closes it. */
  static List<Entry> drain(Cursor c) {
    List<Entry> out = new ArrayList<>();
    try (c) {
      while (c.next()) {
        out.add(new Entry(c.key(), c.value()));
      }
    }
    return out;
  }

  private Entry current() {
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
    while (i < entries.size()) {
      int c = order.compare(entries.get(i).key(), key);
      if (direction == Direction.FORWARD ? c >= 0 : c <= 0) {
        break;
      }
      i++;
    }
    position = i - 1;
    onEntry = false;
  }

  @Override
  public byte[] key() {
    return current().key().clone();
  }

  @Override
  public byte[] value() {
    return current().value().clone();
  }

  @Override
  public ByteView keyView() {
    return ByteView.of(current().key(), stableViews ? new ViewGuard() : guard);
  }

  @Override
  public ByteView valueView() {
    return ByteView.of(current().value(), stableViews ? new ViewGuard() : guard);
  }

  @Override
  public void close() {
    closed = true;
    guard.close();
  }
}
