package dev.cairn.cli;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.ViewGuard;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A cursor over a copied list of entries in ascending key order, for {@link FileTestEngine}. */
final class ListCursor implements Cursor {

  private final List<Map.Entry<byte[], byte[]>> entries;
  private final boolean reverse;
  private final ViewGuard guard = new ViewGuard();
  private int steps = -1; // entries visited before the current one, in the cursor's direction
  private boolean onEntry;
  private boolean closed;

  ListCursor(List<Map.Entry<byte[], byte[]>> ascending, Direction direction) {
    this.entries = ascending;
    this.reverse = direction == Direction.REVERSE;
  }

  @Override
  public boolean next() {
    checkOpen();
    guard.invalidate();
    steps = Math.min(steps + 1, entries.size());
    onEntry = steps < entries.size();
    return onEntry;
  }

  @Override
  public void seek(byte[] key) {
    checkOpen();
    guard.invalidate();
    int i = 0;
    while (i < entries.size()) {
      int c = Arrays.compareUnsigned(current(i).getKey(), key);
      if (reverse ? c <= 0 : c >= 0) {
        break;
      }
      i++;
    }
    steps = i - 1;
    onEntry = false;
  }

  private Map.Entry<byte[], byte[]> current(int step) {
    return entries.get(reverse ? entries.size() - 1 - step : step);
  }

  private Map.Entry<byte[], byte[]> current() {
    checkOpen();
    if (!onEntry) {
      throw new InvalidStateException("cursor is not on an entry");
    }
    return current(steps);
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

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("cursor is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    guard.close();
  }
}
