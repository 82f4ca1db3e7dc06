package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The boundary around an open engine: what {@link StoreBuilder#open()} returns.
 *
 * <p>Before the engine sees a call, arguments are checked (nulls, {@link Limits}, declared
 * capabilities, closed handles, writes to a read-only store); after, what it returns is checked
 * where that is cheap. Every call is timed, and any non-SPI exception becomes a {@link
 * dev.cairn.spi.ContractViolationException}; see {@link ErrorConversion} and {@link Meters}.
 * Closing the store closes the cursors and snapshots still open on it, then the engine; it is
 * idempotent. A checkpoint of a durable store gets its own store marker, so it opens by itself.
 *
 * <p><b>SPI 1.1.</b> Every method the SPI added is the engine's own, wrapped: {@link
 * #keyspace(String)} and {@link #createKeyspace(String)} return a {@link BoundaryKeyspace} whose
 * store is this boundary; {@link #health()} is the engine's, except that a store whose engine threw
 * {@link EngineFailedException} through the boundary reports {@link Health.Status#FAILED} whatever
 * the engine says. {@link #write(WriteBatch, Durability)} refuses, before the engine sees it, a
 * batch that needs a capability the engine does not declare (another keyspace, preconditions, range
 * deletes), so an engine never receives an operation it was not built to apply. The conveniences
 * {@code putIfAbsent}, {@code replace}, {@code deleteIfEquals} and {@code deleteRange} are the
 * SPI's defaults, which write a batch through that method.
 *
 * <p>Thread-safe, as the engine it wraps.
 */
final class BoundaryEngine extends BoundaryReadView implements StorageEngine {

  private final StorageEngine delegate;
  private final Durability defaultDurability;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String storeTag;

  /** What observes the store from outside (its gauges, its statistics file): closed first. */
  private final List<AutoCloseable> observers = new CopyOnWriteArrayList<>();

  /** Whether the engine declares the capabilities a batch may need, read once. */
  private final boolean keyspaces;

  private final boolean conditionalWrites;
  private final boolean rangeDeletes;

  BoundaryEngine(
      Boundary boundary, StorageEngine delegate, Durability defaultDurability, String storeTag) {
    super(boundary, delegate, new OpenHandles());
    this.delegate = delegate;
    this.storeTag = storeTag;
    this.defaultDurability = defaultDurability;
    this.keyspaces = boundary.info().has(Capability.KEYSPACES);
    this.conditionalWrites = boundary.info().has(Capability.CONDITIONAL_WRITES);
    this.rangeDeletes = boundary.info().has(Capability.RANGE_DELETES);
  }

  @Override
  void checkOpen() {
    if (closed.get()) {
      throw new ClosedHandleException(describe() + " is closed");
    }
  }

  @Override
  String describe() {
    return boundary.store();
  }

  void checkWritable() {
    if (boundary.readOnly()) {
      throw new ReadOnlyStoreException(describe() + " was opened read-only");
    }
  }

  @Override
  public Durability defaultDurability() {
    return defaultDurability;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    if (RequestContext.currentOrNull() == null) {
      RequestContext.generated().run(() -> put(key, value, durability));
      return;
    }
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      Limits.checkValue(value);
      Boundary.nonNull(durability, "durability");
      checkWritable();
      Boundary.checkDeadline("put");
      delegate.put(key, value, durability);
      boundary.meters().putWritten(key.length + (long) value.length);
      boundary.succeeded(Op.PUT, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.PUT, start, t);
    }
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    if (RequestContext.currentOrNull() == null) {
      RequestContext.generated().run(() -> delete(key, durability));
      return;
    }
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      Boundary.nonNull(durability, "durability");
      checkWritable();
      Boundary.checkDeadline("delete");
      delegate.delete(key, durability);
      boundary.succeeded(Op.DELETE, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.DELETE, start, t);
    }
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    if (RequestContext.currentOrNull() == null) {
      RequestContext.generated().run(() -> write(batch, durability));
      return;
    }
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.nonNull(batch, "batch");
      Boundary.nonNull(durability, "durability");
      checkWritable();
      boundary.require(Capability.ATOMIC_BATCHES, "write(batch)");
      requireWhatTheBatchNeeds(batch);
      long bytes = batch.byteSize(); // NB: read before the call; the caller may reuse the batch
      Boundary.checkDeadline("write");
      delegate.write(batch, durability);
      boundary.meters().batchWritten(bytes);
      boundary.succeeded(Op.WRITE, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.WRITE, start, t);
    }
  }

  /**
   * Refuses a batch that needs a capability the engine does not declare. Costs nothing for an
   * engine that declares them all, and for one that does not, a few reads of the batch's sizes (and
   * a pass over its operations for range deletes): never a copy.
   */
  private void requireWhatTheBatchNeeds(WriteBatch batch) {
    if (!keyspaces && namesOtherKeyspaces(batch)) {
      List<String> others = new ArrayList<>(batch.keyspaces());
      others.remove(Keyspace.DEFAULT);
      boundary.require(Capability.KEYSPACES, "a batch on keyspaces " + others);
    }
    if (!conditionalWrites && !batch.preconditions().isEmpty()) {
      boundary.require(
          Capability.CONDITIONAL_WRITES,
          "a batch with " + batch.preconditions().size() + " precondition(s)");
    }
    if (!rangeDeletes && batch.hasRangeDeletes()) {
      boundary.require(Capability.RANGE_DELETES, "a batch with a range delete");
    }
  }

  /**
   * {@link WriteBatch#namesOtherKeyspaces()} without building a set: the batch's size counts the
   * operations and preconditions of every keyspace, so any beyond the default keyspace's operations
   * and the preconditions belong to another keyspace.
   */
  private static boolean namesOtherKeyspaces(WriteBatch batch) {
    List<WriteBatch.Precondition> preconditions = batch.preconditions();
    if (batch.operations().size() + preconditions.size() != batch.size()) {
      return true;
    }
    for (WriteBatch.Precondition p : preconditions) {
      if (!p.keyspace().equals(Keyspace.DEFAULT)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<String> keyspaces() {
    long start = System.nanoTime();
    try {
      checkOpen();
      List<String> names = delegate.keyspaces();
      if (names == null) {
        throw boundary.errors().violation(Op.KEYSPACES, "returned null from keyspaces()");
      }
      List<String> copy = new ArrayList<>(names.size());
      for (String name : names) {
        if (name == null || (!copy.isEmpty() && copy.getLast().compareTo(name) >= 0)) {
          throw boundary
              .errors()
              .violation(Op.KEYSPACES, "returned keyspace names not sorted or with null: " + names);
        }
        copy.add(name);
      }
      if (!copy.contains(Keyspace.DEFAULT)) {
        throw boundary
            .errors()
            .violation(
                Op.KEYSPACES, "returned keyspaces without '" + Keyspace.DEFAULT + "': " + names);
      }
      boundary.succeeded(Op.KEYSPACES, start);
      return List.copyOf(copy);
    } catch (Throwable t) {
      throw boundary.failed(Op.KEYSPACES, start, t);
    }
  }

  @Override
  public Keyspace keyspace(String name) {
    return keyspace(Op.KEYSPACE, name);
  }

  @Override
  public Keyspace createKeyspace(String name) {
    return keyspace(Op.KEYSPACE_CREATE, name);
  }

  /** A handle on keyspace {@code name}, existing ({@link Op#KEYSPACE}) or new. */
  private Keyspace keyspace(Op op, String name) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Keyspace.checkName(name);
      boolean create = op == Op.KEYSPACE_CREATE;
      if (create) {
        checkWritable();
      }
      boundary.require(
          Capability.KEYSPACES, (create ? "createKeyspace('" : "keyspace('") + name + "')");
      Keyspace keyspace = create ? delegate.createKeyspace(name) : delegate.keyspace(name);
      if (keyspace == null) {
        throw boundary.errors().violation(op, "returned a null keyspace for '" + name + "'");
      }
      String named = keyspace.name();
      if (!name.equals(named)) {
        throw boundary
            .errors()
            .violation(op, "returned keyspace '" + named + "' when asked for '" + name + "'");
      }
      Keyspace wrapped = new BoundaryKeyspace(this, keyspace, name);
      boundary.succeeded(op, start);
      return wrapped;
    } catch (Throwable t) {
      throw boundary.failed(op, start, t);
    }
  }

  @Override
  public void dropKeyspace(String name) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Keyspace.checkName(name);
      if (name.equals(Keyspace.DEFAULT)) {
        throw new InvalidArgumentException(
            "the keyspace '" + Keyspace.DEFAULT + "' cannot be dropped; every store has it");
      }
      checkWritable();
      boundary.require(Capability.KEYSPACES, "dropKeyspace('" + name + "')");
      delegate.dropKeyspace(name);
      boundary.succeeded(Op.KEYSPACE_DROP, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.KEYSPACE_DROP, start, t);
    }
  }

  @Override
  public Health health() {
    long start = System.nanoTime();
    try {
      checkOpen();
      Health health = delegate.health();
      if (health == null) {
        throw boundary.errors().violation(Op.HEALTH, "returned null from health()");
      }
      if (health.status() == Health.Status.FAILED) {
        boundary.errors().failed();
      }
      EngineFailedException failStop = boundary.errors().failStop();
      if (failStop != null && health.status() != Health.Status.FAILED) {
        List<String> problems = new ArrayList<>(health.problems());
        problems.add(
            "the engine fail-stopped (EngineFailedException: "
                + failStop.getMessage()
                + "), though it reports "
                + health.status());
        health = new Health(Health.Status.FAILED, health.backgroundErrors(), problems);
      }
      boundary.succeeded(Op.HEALTH, start);
      return health;
    } catch (Throwable t) {
      throw boundary.failed(Op.HEALTH, start, t);
    }
  }

  @Override
  public Snapshot snapshot() {
    long start = System.nanoTime();
    try {
      checkOpen();
      boundary.require(Capability.SNAPSHOTS, "snapshot()");
      Boundary.checkDeadline("snapshot");
      Snapshot snapshot = delegate.snapshot();
      if (snapshot == null) {
        throw boundary.errors().violation(Op.SNAPSHOT, "returned a null snapshot");
      }
      Snapshot wrapped = BoundarySnapshot.wrap(this, snapshot);
      boundary.succeeded(Op.SNAPSHOT, start);
      return wrapped;
    } catch (Throwable t) {
      throw boundary.failed(Op.SNAPSHOT, start, t);
    }
  }

  @Override
  public void flush() {
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.checkDeadline("flush");
      delegate.flush();
      boundary.succeeded(Op.FLUSH, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.FLUSH, start, t);
    }
  }

  @Override
  public void checkpoint(Path target) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.nonNull(target, "checkpoint target");
      boundary.require(Capability.CHECKPOINTS, "checkpoint(target)");
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException("checkpoint target " + target + " already exists");
      }
      Boundary.checkDeadline("checkpoint");
      delegate.checkpoint(target);
      if (boundary.info().has(Capability.DURABLE)) {
        StoreMarker.write(target, boundary.engine());
      }
      boundary.succeeded(Op.CHECKPOINT, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.CHECKPOINT, start, t);
    }
  }

  /**
   * The engine's {@link StorageEngine#compact()}: refused on a read-only store and once the
   * request's deadline has passed, before the engine sees it; a negative answer is a contract
   * violation.
   */
  @Override
  public long compact() {
    long start = System.nanoTime();
    try {
      checkOpen();
      checkWritable();
      Boundary.checkDeadline("compact");
      long released = delegate.compact();
      if (released < 0) {
        throw boundary
            .errors()
            .violation(Op.COMPACT, "returned " + released + " bytes released from compact()");
      }
      boundary.succeeded(Op.COMPACT, start);
      return released;
    } catch (Throwable t) {
      throw boundary.failed(Op.COMPACT, start, t);
    }
  }

  @Override
  public EngineStatistics statistics() {
    long start = System.nanoTime();
    try {
      checkOpen();
      EngineStatistics statistics = delegate.statistics();
      if (statistics == null) {
        throw boundary.errors().violation(Op.STATISTICS, "returned null statistics");
      }
      boundary.succeeded(Op.STATISTICS, start);
      return statistics;
    } catch (Throwable t) {
      throw boundary.failed(Op.STATISTICS, start, t);
    }
  }

  /**
   * The engine's statistics for the store's gauges and statistics file: checked and converted as
   * {@link #statistics()} is, but not timed in {@code cairn.operation}, which counts the
   * application's calls.
   */
  EngineStatistics statisticsForMeters() {
    try {
      checkOpen();
      EngineStatistics statistics = delegate.statistics();
      if (statistics == null) {
        throw boundary.errors().violation(Op.STATISTICS, "returned null statistics");
      }
      return statistics;
    } catch (Throwable t) {
      throw boundary.errors().convert(Op.STATISTICS, t);
    }
  }

  /** Closes {@code observer} when the store closes, before the engine. */
  void closeWith(AutoCloseable observer) {
    observers.add(observer);
  }

  @Override
  public ConsistencyReport checkConsistency() {
    long start = System.nanoTime();
    try {
      checkOpen();
      ConsistencyReport report = delegate.checkConsistency();
      if (report == null) {
        throw boundary.errors().violation(Op.CHECK, "returned a null consistency report");
      }
      boundary.succeeded(Op.CHECK, start);
      return report;
    } catch (Throwable t) {
      throw boundary.failed(Op.CHECK, start, t);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    try {
      closeObservers();
      handles.closeAll();
      delegate.close();
      boundary.succeeded(Op.CLOSE, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.CLOSE, start, t);
    } finally {
      boundary.meters().close();
      StoreTag.release(storeTag);
    }
  }

  /** Stops the store's gauges and statistics file, newest first; they never fail the close. */
  private void closeObservers() {
    for (AutoCloseable o : observers.reversed()) {
      try {
        o.close();
      } catch (Exception e) {
        System.getLogger("dev.cairn.runtime")
            .log(System.Logger.Level.WARNING, "cannot stop " + o + " of " + describe(), e);
      }
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
