package dev.cairn.engine.btree;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A cursor over one keyspace's tree in one committed state: a path of nodes from the root to a
 * leaf, stepped leaf by leaf (bbolt's {@code cursor.go}).
 *
 * <p>The state stays registered with {@link Readers} until the cursor closes, so no page it may
 * reach is reused meanwhile: the cursor reads without locks and sees the state of the moment it
 * opened, whatever commits follow. Keys and inline values are lent as zero-copy views of the leaf's
 * page in the {@link PageCache}, which stays pinned while the cursor stands on it (a view lives no
 * longer: the {@link ViewGuard} invalidates it when the cursor moves); an overflow value is read
 * when first asked for.
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
  private final byte[]
      lowerKey; // the range's bounds' keys, copied once (a bound copies on each ask)
  private final byte[] upperKey;
  private final boolean forward;
  private final Consumer<BtreeCursor> onClose;
  private final ViewGuard guard = new ViewGuard();
  private final AtomicBoolean closed = new AtomicBoolean();
  final long openedNanos = System.nanoTime();

  // The path: per level the page, its txid, the entry the cursor stands under, and its size. Only
  // the leaf is held pinned, while the cursor stands on it; a branch is looked up again when the
  // cursor steps past its child.
  private final long[] pageIds = new long[MAX_DEPTH];
  private final long[] txids = new long[MAX_DEPTH];
  private final int[] index = new int[MAX_DEPTH];
  private final int[] sizes = new int[MAX_DEPTH];
  private int depth; // nodes on the path; the leaf is level depth - 1
  private NodeView leaf; // pinned while not null

  private boolean started;
  private byte[] target; // where the next next() starts when not started; null: the range's start
  private boolean exhausted;
  private boolean onEntry;
  private boolean pastStart; // an entry within the starting bound was met since the last position
  private byte[] keyBytes; // a long key read from its chain, or a copy for key()
  private byte[] valueBytes; // an overflow value read from its chain

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
    this.lowerKey = range.lower() == null ? null : range.lower().key();
    this.upperKey = range.upper() == null ? null : range.upper().key();
    this.forward = forward;
    this.onClose = onClose;
  }

  Version version() {
    return version;
  }

  @Override
  public synchronized boolean next() {
    leaveEntry();
    if (exhausted) {
      return false;
    }
    try {
      boolean on;
      if (!started) {
        started = true;
        on = position();
      } else {
        on = forward ? advance() : retreat();
      }
      while (on) {
        int i = index[depth - 1];
        if (forward ? !belowUpper(i) : !aboveLower(i)) {
          break;
        }
        // NB: keys only move away from the bound the cursor started at: once past it, every
        // later entry is too, and is not compared with it again.
        if (pastStart || (forward ? aboveLower(i) : belowUpper(i))) {
          pastStart = true;
          onEntry = true;
          return true;
        }
        on = forward ? advance() : retreat();
      }
      exhausted = true;
      leaveLeaf();
      depth = 0;
      return false;
    } catch (IllegalStateException e) {
      throw closedUnder(e);
    }
  }

  /** A read that met the cache's memory freed: the store closed under the cursor. */
  private RuntimeException closedUnder(IllegalStateException e) {
    if (closed.get() || guard.isClosed()) {
      return new ClosedHandleException("cursor is closed (its store closed during the read)");
    }
    return e;
  }

  private boolean aboveLower(int i) {
    if (lowerKey == null) {
      return true;
    }
    int c = leaf.compareKey(i, lowerKey, pager);
    return range.lower().inclusive() ? c >= 0 : c > 0;
  }

  private boolean belowUpper(int i) {
    if (upperKey == null) {
      return true;
    }
    int c = leaf.compareKey(i, upperKey, pager);
    return range.upper().inclusive() ? c <= 0 : c < 0;
  }

  private void leaveLeaf() {
    NodeView l = leaf;
    if (l != null) {
      leaf = null;
      pager.release(l);
    }
  }

  private void checkDepth() {
    if (depth == MAX_DEPTH) {
      throw new dev.cairn.spi.CorruptionException(
          pager.where() + ": the tree is deeper than " + MAX_DEPTH + " levels (a page cycle?)");
    }
  }

  /** Puts the path on the first entry to visit; false when there is none. */
  private boolean position() {
    leaveLeaf();
    pastStart = false;
    depth = 0;
    if (root.empty()) {
      return false;
    }
    byte[] t = target;
    if (t == null) {
      KeyRange.Bound b = forward ? range.lower() : range.upper();
      t = b == null ? null : b.key();
    }
    long pageId = root.pageId();
    long txid = root.txid();
    while (true) {
      checkDepth();
      NodeView n = pager.acquire(pageId, txid);
      pageIds[depth] = pageId;
      txids[depth] = txid;
      sizes[depth] = n.size();
      if (n.leaf()) {
        leaf = n;
        int i;
        if (t == null) {
          i = forward ? 0 : n.size() - 1;
        } else {
          int s = n.search(t, pager);
          i = forward ? (s >= 0 ? s : -s - 1) : (s >= 0 ? s : -s - 2);
        }
        index[depth++] = i;
        break;
      }
      try {
        int i = t == null ? (forward ? 0 : n.size() - 1) : n.childIndex(t, pager);
        index[depth++] = i;
        pageId = n.childPage(i);
        txid = n.childTxid(i);
      } finally {
        pager.release(n);
      }
    }
    int i = index[depth - 1];
    if (forward && i >= sizes[depth - 1]) {
      return advance();
    }
    if (!forward && i < 0) {
      return retreat();
    }
    return true;
  }

  private boolean advance() {
    index[depth - 1]++;
    if (index[depth - 1] < sizes[depth - 1]) {
      return true;
    }
    leaveLeaf();
    int level = depth - 2;
    while (level >= 0 && index[level] + 1 >= sizes[level]) {
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
    leaveLeaf();
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
      NodeView parent = pager.acquire(pageIds[depth - 1], txids[depth - 1]);
      long pageId;
      long txid;
      try {
        int i = index[depth - 1];
        pageId = parent.childPage(i);
        txid = parent.childTxid(i);
      } finally {
        pager.release(parent);
      }
      checkDepth();
      NodeView n = pager.acquire(pageId, txid);
      pageIds[depth] = pageId;
      txids[depth] = txid;
      sizes[depth] = n.size();
      index[depth++] = first ? 0 : n.size() - 1;
      if (n.leaf()) {
        leaf = n;
        if (n.size() == 0) {
          return first ? advance() : retreat();
        }
        return true;
      }
      pager.release(n);
    }
  }

  @Override
  public synchronized void seek(byte[] t) {
    checkOpen();
    Limits.checkKey(t);
    leaveEntry();
    boolean before = forward ? !range.isAboveLower(t) : !range.isBelowUpper(t);
    boolean beyond = forward ? !range.isBelowUpper(t) : !range.isAboveLower(t);
    started = false;
    leaveLeaf();
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
  public synchronized byte[] key() {
    checkEntry();
    try {
      MemorySegment k = leaf.keyInPlace(index[depth - 1]);
      return k != null ? k.toArray(ValueLayout.JAVA_BYTE) : longKey().clone();
    } catch (IllegalStateException e) {
      throw closedUnder(e);
    }
  }

  @Override
  public synchronized byte[] value() {
    checkEntry();
    try {
      MemorySegment v = leaf.valueInPlace(index[depth - 1]);
      return v != null ? v.toArray(ValueLayout.JAVA_BYTE) : overflowValue().clone();
    } catch (IllegalStateException e) {
      throw closedUnder(e);
    }
  }

  /** The current key, a view of the page in the cache (or of a long key's bytes, read). */
  @Override
  public synchronized ByteView keyView() {
    checkEntry();
    try {
      MemorySegment k = leaf.keyInPlace(index[depth - 1]);
      return k != null ? ByteView.of(k, guard) : ByteView.of(longKey(), guard);
    } catch (IllegalStateException e) {
      throw closedUnder(e);
    }
  }

  /** The current value, a view of the page in the cache (or of an overflow value, read). */
  @Override
  public synchronized ByteView valueView() {
    checkEntry();
    try {
      MemorySegment v = leaf.valueInPlace(index[depth - 1]);
      return v != null ? ByteView.of(v, guard) : ByteView.of(overflowValue(), guard);
    } catch (IllegalStateException e) {
      throw closedUnder(e);
    }
  }

  private byte[] longKey() {
    if (keyBytes == null) {
      keyBytes = leaf.key(index[depth - 1], pager);
    }
    return keyBytes;
  }

  private byte[] overflowValue() {
    if (valueBytes == null) {
      valueBytes = pager.value(leaf.valueRef(index[depth - 1]));
    }
    return valueBytes;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      guard.close();
      synchronized (this) {
        // NB: under the cursor's lock, so the slot is not given back while a call of the
        // cursor's own thread still reads it.
        leaveLeaf();
      }
      if (ownsVersion) {
        readers.release(version);
      }
      onClose.accept(this);
    }
  }

  private void leaveEntry() {
    checkOpen();
    guard.invalidate();
    onEntry = false;
    keyBytes = null;
    valueBytes = null;
  }

  private void checkEntry() {
    checkOpen();
    if (!onEntry) {
      throw new InvalidStateException(
          "cursor is not on an entry: call next() and check that it returned true");
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ClosedHandleException("cursor is closed");
    }
  }
}
