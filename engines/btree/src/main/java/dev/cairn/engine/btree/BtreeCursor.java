package dev.cairn.engine.btree;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A cursor over one keyspace's tree in one committed state: a path of nodes from the root to a
 * leaf, stepped leaf by leaf (bbolt's {@code cursor.go}).
 *
 * <p>The state stays registered with {@link Readers} until the cursor closes, so no page it may
 * reach is reused meanwhile: the cursor reads without locks and sees the state of the moment it
 * opened, whatever commits follow. Keys and inline values are lent as zero-copy views of the
 * shared, immutable nodes; an overflow value is read when first asked for.
 *
 * <p>Used by one thread at a time; {@link #close()} may come from another (the store or snapshot
 * closing), after which every method but close throws {@link ClosedHandleException}.
 */
final class BtreeCursor implements Cursor {

  private static final int MAX_DEPTH = 64;

  private final Pager pager;
  private final Readers readers;
  private final Version version;
  private final boolean ownsVersion;
  private final Catalog.Root root;
  private final KeyRange range;
  private final boolean forward;
  private final Consumer<BtreeCursor> onClose;
  private final ViewGuard guard = new ViewGuard();
  private final AtomicBoolean closed = new AtomicBoolean();
  final long openedNanos = System.nanoTime();

  private final Node[] nodes = new Node[MAX_DEPTH];
  private final int[] index = new int[MAX_DEPTH];
  private int depth; // nodes on the path; the leaf is nodes[depth - 1]

  private boolean started;
  private byte[] target; // where the next next() starts when not started; null: the range's start
  private boolean exhausted;
  private byte[] key;
  private Object value;
  private byte[] valueBytes;

  /**
   * @param version a state registered with {@code readers}, released when the cursor closes if
   *     {@code ownsVersion}
   * @param onClose told once, when the cursor closes
   */
  BtreeCursor(
      Pager pager,
      Readers readers,
      Version version,
      boolean ownsVersion,
      Catalog.Root root,
      KeyRange range,
      boolean forward,
      Consumer<BtreeCursor> onClose) {
    this.pager = pager;
    this.readers = readers;
    this.version = version;
    this.ownsVersion = ownsVersion;
    this.root = root;
    this.range = range;
    this.forward = forward;
    this.onClose = onClose;
  }

  Version version() {
    return version;
  }

  @Override
  public boolean next() {
    leaveEntry();
    if (exhausted) {
      return false;
    }
    boolean on;
    if (!started) {
      started = true;
      on = position();
    } else {
      on = forward ? advance() : retreat();
    }
    while (on) {
      byte[] k = leaf().keys.get(index[depth - 1]);
      if (forward ? !range.isBelowUpper(k) : !range.isAboveLower(k)) {
        break;
      }
      if (forward ? range.isAboveLower(k) : range.isBelowUpper(k)) {
        key = k;
        value = leaf().values.get(index[depth - 1]);
        return true;
      }
      on = forward ? advance() : retreat();
    }
    exhausted = true;
    depth = 0;
    return false;
  }

  private Node leaf() {
    return nodes[depth - 1];
  }

  /** Puts the path on the first entry to visit; false when there is none. */
  private boolean position() {
    depth = 0;
    if (root.empty()) {
      return false;
    }
    byte[] t = target;
    if (t == null) {
      KeyRange.Bound b = forward ? range.lower() : range.upper();
      t = b == null ? null : b.key();
    }
    Node n = pager.node(root.pageId(), root.txid());
    while (true) {
      if (depth == MAX_DEPTH) {
        throw new dev.cairn.spi.CorruptionException(
            pager.where() + ": the tree is deeper than " + MAX_DEPTH + " levels (a page cycle?)");
      }
      nodes[depth] = n;
      if (n.leaf) {
        int i;
        if (t == null) {
          i = forward ? 0 : n.size() - 1;
        } else {
          int s = n.search(t);
          i = forward ? (s >= 0 ? s : -s - 1) : (s >= 0 ? s : -s - 2);
        }
        index[depth++] = i;
        break;
      }
      int i = t == null ? (forward ? 0 : n.size() - 1) : n.childIndex(t);
      index[depth++] = i;
      Node.Child c = n.children.get(i);
      n = pager.node(c.pageId(), c.txid());
    }
    int i = index[depth - 1];
    if (forward && i >= leaf().size()) {
      return advance();
    }
    if (!forward && i < 0) {
      return retreat();
    }
    return true;
  }

  private boolean advance() {
    index[depth - 1]++;
    if (index[depth - 1] < leaf().size()) {
      return true;
    }
    int level = depth - 2;
    while (level >= 0 && index[level] + 1 >= nodes[level].size()) {
      level--;
    }
    if (level < 0) {
      return false;
    }
    index[level]++;
    depth = level + 1;
    return descend(true);
  }

  private boolean retreat() {
    index[depth - 1]--;
    if (index[depth - 1] >= 0) {
      return true;
    }
    int level = depth - 2;
    while (level >= 0 && index[level] - 1 < 0) {
      level--;
    }
    if (level < 0) {
      return false;
    }
    index[level]--;
    depth = level + 1;
    return descend(false);
  }

  /** From the child at the path's end, down to its first (or last) entry. */
  private boolean descend(boolean first) {
    while (true) {
      Node parent = nodes[depth - 1];
      Node.Child c = parent.children.get(index[depth - 1]);
      Node n = pager.node(c.pageId(), c.txid());
      if (depth == MAX_DEPTH) {
        throw new dev.cairn.spi.CorruptionException(
            pager.where() + ": the tree is deeper than " + MAX_DEPTH + " levels (a page cycle?)");
      }
      nodes[depth] = n;
      index[depth++] = first ? 0 : n.size() - 1;
      if (n.leaf) {
        if (n.size() == 0) {
          return first ? advance() : retreat();
        }
        return true;
      }
    }
  }

  @Override
  public void seek(byte[] t) {
    checkOpen();
    Limits.checkKey(t);
    leaveEntry();
    boolean before = forward ? !range.isAboveLower(t) : !range.isBelowUpper(t);
    boolean beyond = forward ? !range.isBelowUpper(t) : !range.isAboveLower(t);
    started = false;
    depth = 0;
    if (before) {
      exhausted = false;
      target = null;
    } else if (beyond) {
      exhausted = true;
      target = null;
    } else {
      exhausted = false;
      target = t.clone();
    }
  }

  @Override
  public byte[] key() {
    return current().clone();
  }

  @Override
  public byte[] value() {
    return currentValue().clone();
  }

  @Override
  public ByteView keyView() {
    return ByteView.of(current(), guard);
  }

  @Override
  public ByteView valueView() {
    return ByteView.of(currentValue(), guard);
  }

  private byte[] currentValue() {
    current();
    if (valueBytes == null) {
      valueBytes = pager.value(value);
    }
    return valueBytes;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      guard.close();
      Arrays.fill(nodes, null);
      if (ownsVersion) {
        readers.release(version);
      }
      onClose.accept(this);
    }
  }

  private void leaveEntry() {
    checkOpen();
    guard.invalidate();
    key = null;
    value = null;
    valueBytes = null;
  }

  private byte[] current() {
    checkOpen();
    if (key == null) {
      throw new InvalidStateException(
          "cursor is not on an entry: call next() and check that it returned true");
    }
    return key;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ClosedHandleException("cursor is closed");
    }
  }
}
