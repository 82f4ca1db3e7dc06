package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.DirectoryLock;
import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An open B+tree store: the {@link StorageEngine} the provider returns.
 *
 * <p>Writes are queued to the {@link Committer}, the single writer, which applies each group of
 * them as one copy-on-write transaction ({@link Tx}) and commits it with a shadow-paging commit.
 * Reads (gets, cursors, snapshots) register the current committed {@link Version} with {@link
 * Readers} and read its trees from the caller's thread, without locks: a writer never waits for a
 * reader, nor a reader for the writer. Thread-safe; must be closed.
 */
final class BtreeEngine implements StorageEngine {

  private final EngineOptions options;
  private final Path directory;
  private final DirectoryLock lock;
  private final PageFile file;
  private final WriteLog log; // null when read-only
  private final Pager pager;
  private final Readers readers;
  private final FailStop failStop;
  private final Committer committer; // null when read-only
  private final List<String> recoveryNotes;
  private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();
  private final Map<Object, Long> readersOpen = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private BtreeEngine(
      EngineOptions options,
      Path directory,
      DirectoryLock lock,
      Recovery.Opened opened,
      WriteLog log,
      Pager pager,
      FailStop failStop) {
    this.options = options;
    this.directory = directory;
    this.lock = lock;
    this.file = opened.file();
    this.log = log;
    this.pager = pager;
    this.readers = new Readers(opened.version());
    this.failStop = failStop;
    this.recoveryNotes = opened.notes();
    this.committer =
        options.readOnly()
            ? null
            : new Committer(
                opened,
                log,
                pager,
                readers,
                failStop,
                options.eventListener(),
                "cairn-btree-" + directory.getFileName());
  }

  static BtreeEngine open(EngineOptions options, BtreeEngineProvider.Settings settings) {
    Path dir = options.requireDirectory(BtreeEngineProvider.NAME);
    if (!Files.isDirectory(dir)) {
      if (!options.createIfMissing()) {
        throw new StorageIOException(dir + ": no store here (and creation was not asked for)");
      }
      SyncedFiles.createDirectories(dir);
    }
    DirectoryLock lock =
        options.readOnly() ? DirectoryLock.acquireShared(dir) : DirectoryLock.acquire(dir);
    try {
      BtreeEngine e =
          Threads.onEngineThread(
              "cairn-btree-open-" + dir.getFileName(), () -> build(options, settings, dir, lock));
      if (e.committer != null) {
        e.committer.start();
      }
      return e;
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  private static BtreeEngine build(
      EngineOptions options, BtreeEngineProvider.Settings settings, Path dir, DirectoryLock lock) {
    if (!Recovery.exists(dir)) {
      if (!options.createIfMissing()) {
        throw new StorageIOException(
            dir + ": no B+tree store here (no " + PageFile.NAME + "), and creation was not asked");
      }
      Recovery.create(dir, settings.pageSize());
    }
    PageFile file = PageFile.open(Recovery.dataFile(dir), options.readOnly());
    long start = System.nanoTime();
    String outcome = "failed";
    PageCache cache = null;
    WriteLog log = null;
    try {
      Recovery.Opened opened;
      try {
        opened = Recovery.open(file);
        outcome = opened.describe();
      } finally {
        Events.report(
            options.eventListener(),
            EngineEvent.Kind.RECOVERY,
            start,
            file.bytesRead(),
            "recovery of " + file.path() + ": " + outcome);
      }
      if (!options.readOnly()) {
        // The state opened at becomes the durable one before anything is written after it.
        file.force();
      }
      int pageSize = opened.version().meta.pageSize();
      cache = new PageCache(settings.cacheSize(), pageSize, file.path().toString());
      Pager pager = new Pager(file, cache, new Layout(pageSize));
      log = WriteLog.open(dir, options.readOnly());
      if (options.readOnly()) {
        refusePendingLog(log, opened.version());
        if (log != null) {
          log.close();
          log = null;
        }
      }
      BtreeEngine engine =
          new BtreeEngine(options, dir, lock, opened, log, pager, new FailStop(dir));
      if (engine.committer != null) {
        engine.replayLog(log);
      }
      return engine;
    } catch (RuntimeException | Error e) {
      if (cache != null) {
        cache.close();
      }
      if (log != null) {
        log.close();
      }
      file.close();
      throw e;
    }
  }

  /**
   * A read-only open cannot take the log's writes into the tree: it refuses a store whose log holds
   * acknowledged writes the tree lacks, rather than show a state without them.
   */
  private static void refusePendingLog(WriteLog log, Version opened) {
    if (log == null) {
      return;
    }
    WriteLog.Replayed r = log.replay(opened.meta, effects -> {});
    if (r.records() > 0) {
      throw new dev.cairn.spi.InvalidStateException(
          log.path()
              + " holds "
              + r.records()
              + " groups of BUFFERED writes not yet in the tree (the store was not closed): open it"
              + " read-write once, which takes them in, before opening it read-only");
    }
  }

  /** Replays the log's writes after the state opened at, and commits them durably. */
  private void replayLog(WriteLog log) {
    long start = System.nanoTime();
    String outcome = "failed";
    try {
      WriteLog.Replayed r = committer.replay();
      outcome =
          r.records()
              + " records ("
              + r.effects()
              + " writes, "
              + r.bytes()
              + " bytes) taken in; stopped at "
              + r.stop();
    } finally {
      Events.report(
          options.eventListener(),
          EngineEvent.Kind.RECOVERY,
          start,
          0,
          "replay of " + log.path() + ": " + outcome);
    }
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("store " + directory + " is closed");
    }
  }

  private void checkWritable() {
    checkOpen();
    if (options.readOnly()) {
      throw new ReadOnlyStoreException("store " + directory + " is open read-only");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (AutoCloseable h : List.copyOf(handles)) {
      try {
        h.close();
      } catch (Exception e) {
        // Cursors and snapshots never throw on close.
      }
    }
    try {
      if (committer != null) {
        committer.close();
      }
    } finally {
      pager.cache().close();
      if (log != null) {
        log.close();
      }
      file.close();
      lock.close();
    }
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  public Durability defaultDurability() {
    return options.defaultDurability();
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    return get(Keyspace.DEFAULT, -1, key);
  }

  /** The value of {@code key} in keyspace {@code name} (of id {@code id}, or any: -1), or null. */
  byte[] get(String name, int id, byte[] key) {
    Version v = readers.acquire();
    try {
      Catalog.Root root = v.catalog.root(name);
      if (root == null || (id >= 0 && root.id() != id)) {
        throw new dev.cairn.spi.InvalidStateException("keyspace '" + name + "' was dropped");
      }
      if (v.working != null) {
        Tx.TreeView t = v.working.get(name);
        if (t != null) {
          return lookupWorking(root, t.root(), key);
        }
      }
      return lookup(root, key);
    } finally {
      readers.release(v);
      checkOpen();
    }
  }

  /**
   * The value of {@code key} in the tree of {@code root}, or null; a new array, copied from the
   * page in the cache (the one copy a get makes). Each level's page is pinned while it is searched.
   */
  byte[] lookup(Catalog.Root root, byte[] key) {
    if (root.empty()) {
      return null;
    }
    try {
      NodeView n = pager.acquire(root.pageId(), root.txid());
      for (int depth = 0; !n.leaf(); depth++) {
        NodeView branch = n;
        try {
          if (depth > 64) {
            throw new dev.cairn.spi.CorruptionException(
                pager.where() + ": the tree is deeper than 64 levels (a page cycle?)");
          }
          int i = branch.childIndex(key, pager);
          n = pager.acquire(branch.childPage(i), branch.childTxid(i));
        } finally {
          pager.release(branch);
        }
      }
      try {
        int i = n.search(key, pager);
        return i < 0 ? null : n.value(i, pager);
      } finally {
        pager.release(n);
      }
    } catch (IllegalStateException e) {
      throw closedUnder(e);
    }
  }

  /**
   * The value of {@code key} in a working tree of {@code BUFFERED} writes (decision 0026): its
   * nodes in memory, published and never changed again, down to the first page, from which {@link
   * #lookup} goes on.
   */
  private byte[] lookupWorking(Catalog.Root root, Node.Child c, byte[] key) {
    for (int depth = 0; c.dirty() != null; depth++) {
      Node n = c.dirty();
      if (n.leaf) {
        int i = n.search(key);
        if (i < 0) {
          return null;
        }
        Object v = n.values.get(i);
        return v instanceof byte[] b ? b.clone() : pager.value(v);
      }
      if (depth > 64) {
        throw new IllegalStateException("a working tree deeper than 64 levels");
      }
      c = n.children.get(n.childIndex(key));
    }
    if (c.pageId() == 0) {
      return null;
    }
    return lookup(new Catalog.Root(root.id(), c.pageId(), c.txid(), 0), key);
  }

  /**
   * Has the working state of {@code BUFFERED} writes written as pages, so that a cursor, snapshot
   * or walk of the trees sees them (decision 0026): unforced, no meta.
   */
  void publishWorking() {
    if (committer != null && readers.current().working != null) {
      committer.submit(Committer.Request.publishWork());
    }
  }

  /**
   * A read that met the cache's memory freed: the store closed under it ({@link PageCache#close}).
   */
  RuntimeException closedUnder(IllegalStateException e) {
    if (closed) {
      return new ClosedHandleException("store " + directory + " was closed during the read");
    }
    return e;
  }

  static void checkCursorArguments(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("cursor range and direction are required");
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    return trackedCursor(Keyspace.DEFAULT, -1, range, direction);
  }

  /** A cursor on keyspace {@code name} at the current state, closed with the store. */
  Cursor trackedCursor(String name, int id, KeyRange range, Direction direction) {
    checkCursorArguments(range, direction);
    publishWorking();
    Version v = readers.acquire();
    Catalog.Root root = v.catalog.root(name);
    if (root == null || (id >= 0 && root.id() != id)) {
      readers.release(v);
      throw new dev.cairn.spi.InvalidStateException("keyspace '" + name + "' was dropped");
    }
    BtreeCursor c = newCursor(v, true, root, range, direction, this::cursorClosed);
    handles.add(c);
    readersOpen.put(c, c.openedNanos);
    if (closed) {
      c.close(); // raced with close(), which may have missed it
      checkOpen();
    }
    return c;
  }

  private void cursorClosed(BtreeCursor c) {
    handles.remove(c);
    readersOpen.remove(c);
  }

  BtreeCursor newCursor(
      Version v,
      boolean ownsVersion,
      Catalog.Root root,
      KeyRange range,
      Direction direction,
      Consumer<BtreeCursor> onClose) {
    return new BtreeCursor(
        pager, readers, v, ownsVersion, root, range, direction == Direction.FORWARD, onClose);
  }

  @Override
  public long approximateCount(KeyRange range) {
    if (range == null) {
      throw new InvalidArgumentException("range is null");
    }
    checkOpen();
    if (range.isAll()) {
      publishWorking();
      return readers.current().catalog.root(Keyspace.DEFAULT).entries();
    }
    return StorageEngine.super.approximateCount(range);
  }

  // ---- snapshots and keyspaces -----------------------------------------------------------------

  @Override
  public Snapshot snapshot() {
    checkOpen();
    publishWorking();
    BtreeSnapshot s = new BtreeSnapshot(this, readers.acquire());
    handles.add(s);
    readersOpen.put(s, s.openedNanos);
    if (closed) {
      s.close();
      checkOpen();
    }
    return s;
  }

  void snapshotClosed(BtreeSnapshot s) {
    if (handles.remove(s)) {
      readersOpen.remove(s);
      readers.release(s.version());
    }
  }

  Catalog currentCatalog() {
    return readers.current().catalog;
  }

  @Override
  public List<String> keyspaces() {
    checkOpen();
    return List.copyOf(currentCatalog().roots().keySet());
  }

  @Override
  public Keyspace keyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    Catalog.Root r = currentCatalog().root(name);
    if (r == null) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
    }
    return new BtreeKeyspace(this, name, r.id());
  }

  @Override
  public Keyspace createKeyspace(String name) {
    checkWritable();
    Keyspace.checkName(name);
    if (currentCatalog().root(name) != null) {
      throw new InvalidArgumentException("keyspace '" + name + "' exists");
    }
    committer.submit(new Committer.Request(tx -> tx.createKeyspace(name), true));
    Catalog.Root r = currentCatalog().root(name);
    return new BtreeKeyspace(this, name, r == null ? -1 : r.id());
  }

  @Override
  public void dropKeyspace(String name) {
    checkWritable();
    Keyspace.checkName(name);
    if (name.equals(Keyspace.DEFAULT)) {
      throw new InvalidArgumentException("the default keyspace cannot be dropped");
    }
    if (currentCatalog().root(name) == null) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
    }
    committer.submit(new Committer.Request(tx -> tx.dropKeyspace(name), true));
  }

  // ---- writes ----------------------------------------------------------------------------------

  private static boolean sync(Durability d) {
    if (d == null) {
      throw new InvalidArgumentException("durability is null");
    }
    return d == Durability.SYNC;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    checkWritable();
    Limits.checkKey(key);
    Limits.checkValue(value);
    boolean sync = sync(durability);
    byte[] k = key.clone();
    byte[] v = value.clone();
    committer.submit(new Committer.Request(tx -> tx.put(Keyspace.DEFAULT, k, v), sync));
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    checkWritable();
    Limits.checkKey(key);
    boolean sync = sync(durability);
    byte[] k = key.clone();
    committer.submit(new Committer.Request(tx -> tx.delete(Keyspace.DEFAULT, k), sync));
  }

  /** One operation of a batch, copied: its keyspace and what it does. */
  private record Op(String keyspace, WriteBatch.Operation op) {}

  @Override
  public void write(WriteBatch batch, Durability durability) {
    checkWritable();
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    boolean sync = sync(durability);
    if (batch.isEmpty()) {
      if (sync) {
        committer.submit(new Committer.Request(null, true));
      }
      return;
    }
    Catalog catalog = currentCatalog();
    for (String name : batch.keyspaces()) {
      if (catalog.root(name) == null) {
        throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
      }
    }
    List<Op> ops = new ArrayList<>(batch.size());
    for (String name : batch.keyspaces()) {
      for (WriteBatch.Operation op : batch.operations(name)) {
        ops.add(
            new Op(
                name,
                switch (op) {
                  case WriteBatch.Put p -> new WriteBatch.Put(p.key().clone(), p.value().clone());
                  case WriteBatch.Delete d -> new WriteBatch.Delete(d.key().clone());
                  case WriteBatch.DeleteRange r -> r;
                }));
      }
    }
    List<WriteBatch.Precondition> conditions = new ArrayList<>();
    for (WriteBatch.Precondition p : batch.preconditions()) {
      conditions.add(
          new WriteBatch.Precondition(
              p.keyspace(), p.key().clone(), p.expected() == null ? null : p.expected().clone()));
    }
    committer.submit(
        new Committer.Request(
            tx -> {
              for (Op op : ops) {
                if (!tx.hasKeyspace(op.keyspace())) {
                  throw new InvalidArgumentException(
                      "no keyspace '" + op.keyspace() + "' in this store");
                }
              }
              for (WriteBatch.Precondition p : conditions) {
                if (!tx.hasKeyspace(p.keyspace())) {
                  throw new InvalidArgumentException(
                      "no keyspace '" + p.keyspace() + "' in this store");
                }
                byte[] current = tx.get(p.keyspace(), p.key());
                boolean holds =
                    p.expected() == null ? current == null : Arrays.equals(current, p.expected());
                if (!holds) {
                  throw ConflictException.of(p);
                }
              }
              for (Op op : ops) {
                switch (op.op()) {
                  case WriteBatch.Put p -> tx.put(op.keyspace(), p.key(), p.value());
                  case WriteBatch.Delete d -> tx.delete(op.keyspace(), d.key());
                  case WriteBatch.DeleteRange r -> tx.deleteRange(op.keyspace(), r.range());
                }
              }
            },
            sync));
  }

  @Override
  public void flush() {
    checkOpen();
    if (committer != null) {
      committer.submit(Committer.Request.flush());
    }
  }

  @Override
  public void checkpoint(Path target) {
    checkOpen();
    if (target == null) {
      throw new InvalidArgumentException("checkpoint target is null");
    }
    if (Files.exists(target)) {
      throw new InvalidArgumentException("checkpoint target " + target + " exists");
    }
    publishWorking();
    Version v = readers.acquire();
    long start = System.nanoTime();
    long bytes = -1;
    try {
      bytes =
          Threads.onEngineThread(
              "cairn-btree-checkpoint",
              () -> Checkpointer.write(this, v, target, pager.layout().pageSize()));
    } finally {
      readers.release(v);
      Events.report(
          options.eventListener(),
          EngineEvent.Kind.CHECKPOINT,
          start,
          bytes,
          "checkpoint of transaction "
              + v.txid()
              + " to "
              + target
              + (bytes < 0 ? ": failed" : " (" + bytes + " bytes)"));
    }
  }

  /**
   * Compacts in place: moves the pages the current state uses above a target into free pages below
   * it, in durable commits of the single writer, then gives the free pages at the file's top back
   * to the file system (truncates). Writes queue between its commits and readers never wait. Pages
   * an open snapshot or cursor still reads stay until it closes: the first commit after that gives
   * them back ({@code docs/engines/btree.md}, "Checkpoints and compaction").
   */
  @Override
  public long compact() {
    checkWritable();
    dev.cairn.spi.RequestContext context = dev.cairn.spi.RequestContext.currentOrNull();
    if (context != null) {
      context.checkDeadline("compact");
    }
    long start = System.nanoTime();
    long released = -1;
    try {
      released = committer.compact();
      return released;
    } finally {
      Events.report(
          options.eventListener(),
          EngineEvent.Kind.COMPACTION,
          start,
          released,
          "compaction in place"
              + (released < 0 ? ": failed" : ": the file shrank by " + released + " bytes"));
    }
  }

  // ---- introspection ---------------------------------------------------------------------------

  @Override
  public Health health() {
    checkOpen();
    return failStop.health();
  }

  @Override
  public EngineStatistics statistics() {
    checkOpen();
    publishWorking();
    Version v = readers.acquire();
    try {
      Meta m = v.meta;
      Map<String, Long> d = new TreeMap<>();
      PageCache cache = pager.cache();
      d.put("txid", m.txid());
      d.put("pages", m.highWater());
      d.put("page.size", (long) m.pageSize());
      d.put("format.version", (long) m.formatVersion());
      d.put("tree.nodes", m.treeNodes());
      d.put(
          "fill.factor.percent",
          m.treeNodes() == 0 ? 0 : m.treeBytes() * 100 / (m.treeNodes() * pager.layout().body()));
      d.put("tree.depth", (long) depth(v.catalog.root(Keyspace.DEFAULT)));
      d.put("keyspaces", (long) v.catalog.roots().size());
      if (committer != null) {
        d.put("pages.free", committer.freePages());
        d.put("pages.pinned", committer.pendingPages());
        d.put("pages.pinned.until.sync", committer.pendingUnsynced());
        d.put("commits", committer.commits.sum());
        d.put("commit.groups", committer.groups.sum());
        d.put("commit.requests", committer.requests.sum());
        d.put("syncs", committer.syncs.sum());
        d.put("syncs.forced.by.pinned.pages", committer.forcedByPending.sum());
        d.put("buffered.groups", committer.bufferedGroups.sum());
        d.put("working.commits", committer.workCommits.sum());
        d.put("log.bytes", committer.logBytes());
        d.put("pages.written", committer.pagesWritten.sum());
        d.put("compactions", committer.compactions.sum());
        d.put("compaction.pages.relocated", committer.pagesRelocated.sum());
        d.put("compactions.after.load", committer.givenBack.sum());
        d.put("compaction.bytes.released", committer.bytesReleased.sum());
        d.put("compaction.release.deferred", committer.trimDeferred() ? 1L : 0L);
      }
      long now = System.nanoTime();
      long oldest = now;
      for (Long t : readersOpen.values()) {
        oldest = Math.min(oldest, t);
      }
      long snapshots = handles.stream().filter(h -> h instanceof BtreeSnapshot).count();
      d.put(EngineStatistics.SNAPSHOTS_OPEN, snapshots);
      d.put(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS, (now - oldest) / 1_000_000);
      d.put("readers.oldest.age.ms", (now - oldest) / 1_000_000);
      d.put("readers.states.pinned", (long) readers.retiredInUse());
      d.put(EngineStatistics.BACKGROUND_PENDING_BYTES, 0L);
      d.put(EngineStatistics.BACKGROUND_ERRORS, failStop.backgroundErrors());
      d.put(EngineStatistics.STALLS, 0L);
      d.put(EngineStatistics.CACHE_CAPACITY_BYTES, cache.capacity());
      d.put("cache.used.bytes", cache.usedBytes());
      d.put("cache.hits", cache.hits());
      d.put("cache.misses", cache.misses());
      d.put("cache.private.reads", cache.privateReads());
      d.put("cache.dropped", cache.dropped());
      d.put("cache.pinned", (long) cache.pinned());
      d.put("cache.allocated.bytes", cache.allocatedBytes());
      d.put("recovery.fell.back", recoveryNotes.isEmpty() ? 0L : 1L);
      d.put("failed", failStop.failed() ? 1L : 0L);
      return new EngineStatistics(v.catalog.entries(), file.size(), cache.allocatedBytes(), d);
    } finally {
      readers.release(v);
    }
  }

  private int depth(Catalog.Root root) {
    if (root == null || root.empty()) {
      return 0;
    }
    int depth = 1;
    NodeView n = pager.acquire(root.pageId(), root.txid());
    try {
      while (!n.leaf() && depth < 64) {
        NodeView branch = n;
        n = null;
        try {
          n = pager.acquire(branch.childPage(0), branch.childTxid(0));
        } finally {
          pager.release(branch);
        }
        depth++;
      }
    } finally {
      if (n != null) {
        pager.release(n);
      }
    }
    return depth;
  }

  @Override
  public ConsistencyReport checkConsistency() {
    checkOpen();
    publishWorking();
    Version v = readers.acquire();
    try {
      return Checker.check(pager, v);
    } finally {
      readers.release(v);
    }
  }

  // ---- for the snapshot, keyspaces, checkpoints and tests -------------------------------------

  Readers readers() {
    return readers;
  }

  Pager pager() {
    return pager;
  }

  Path directory() {
    return directory;
  }

  FailStop failStop() {
    return failStop;
  }

  List<String> recoveryNotes() {
    return recoveryNotes;
  }

  /** The size of the data file, in bytes. */
  long dataFileSize() {
    return file.size();
  }

  /**
   * Runs {@code apply} (null: nothing, a sync alone) as the writer's next commit, never refused for
   * the caller's deadline; for checkpoints and tests.
   */
  void commit(Consumer<Tx> apply, boolean sync) {
    checkWritable();
    committer.submit(Committer.Request.internal(apply, sync));
  }
}
