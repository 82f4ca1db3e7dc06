package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The part of the crash suite's test engines that is not about files: an in-memory sorted map,
 * argument checks, fail-stop, cursors over copies. Subclasses decide how writes reach the disk.
 *
 * <p>Thread-safe: every method synchronizes on the engine.
 */
abstract class MapBackedEngine implements StorageEngine {

  /** A force that failed: the engine must fail-stop. */
  static final class ForceFailed extends IOException {
    private static final long serialVersionUID = 1L;

    ForceFailed(IOException cause) {
      super("force failed: " + cause.getMessage(), cause);
    }
  }

  protected final NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
  private final String name;
  private final Set<Capability> capabilities;
  private final Durability defaultDurability;
  protected final boolean readOnly;
  private boolean closed;
  private String failed;

  MapBackedEngine(
      String name, Set<Capability> capabilities, Durability defaultDurability, boolean readOnly) {
    this.name = name;
    this.capabilities = capabilities;
    this.defaultDurability = defaultDurability;
    this.readOnly = readOnly;
  }

  /** Makes {@code ops} reach the disk at {@code durability}; the map is not yet changed. */
  protected abstract void persist(List<WriteBatch.Operation> ops, Durability durability)
      throws IOException;

  /** Makes every write so far durable. */
  protected abstract void sync() throws IOException;

  /** Writes a copy of the store into {@code target}, which does not exist yet. */
  protected void checkpointTo(Path target) throws IOException {
    throw new UnsupportedCapabilityException("engine '" + name + "' has no checkpoints");
  }

  /** Checks the files against the map. */
  protected abstract ConsistencyReport check() throws IOException;

  /** Releases files and the directory lock. */
  protected abstract void closeFiles() throws IOException;

  static void force(java.nio.channels.FileChannel ch) throws ForceFailed {
    try {
      ch.force(false);
    } catch (IOException e) {
      throw new ForceFailed(e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("engine '" + name + "' is closed");
    }
  }

  private void checkWritable() {
    checkOpen();
    if (readOnly) {
      throw new ReadOnlyStoreException("store is read-only");
    }
    if (failed != null) {
      throw new EngineFailedException("engine '" + name + "' stopped after: " + failed);
    }
  }

  @Override
  public Durability defaultDurability() {
    return defaultDurability;
  }

  @Override
  public synchronized void put(byte[] key, byte[] value, Durability durability) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    write(List.of(new WriteBatch.Put(key.clone(), value.clone())), durability);
  }

  @Override
  public synchronized void delete(byte[] key, Durability durability) {
    Limits.checkKey(key);
    write(List.of(new WriteBatch.Delete(key.clone())), durability);
  }

  @Override
  public synchronized void write(WriteBatch batch, Durability durability) {
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    write(List.copyOf(batch.operations()), durability);
  }

  private void write(List<WriteBatch.Operation> ops, Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    checkWritable();
    try {
      persist(ops, durability);
    } catch (ForceFailed e) {
      failed = e.getMessage();
      throw new EngineFailedException("engine '" + name + "': " + e.getMessage(), e);
    } catch (IOException e) {
      failed = e.getMessage();
      throw new StorageIOException("engine '" + name + "' could not write: " + e.getMessage(), e);
    }
    apply(map, ops);
  }

  static void apply(NavigableMap<byte[], byte[]> map, List<WriteBatch.Operation> ops) {
    for (WriteBatch.Operation op : ops) {
      switch (op) {
        case WriteBatch.Put p -> map.put(p.key(), p.value());
        case WriteBatch.Delete d -> map.remove(d.key());
        case WriteBatch.DeleteRange r ->
            throw new dev.cairn.spi.UnsupportedCapabilityException(
                "range deletes (capability RANGE_DELETES)");
      }
    }
  }

  @Override
  public synchronized byte[] get(byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    byte[] v = map.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    if (range == null || direction == null) {
      throw new InvalidArgumentException("range and direction are required");
    }
    return new ListCursor(map, range, direction);
  }

  @Override
  public Snapshot snapshot() {
    throw new UnsupportedCapabilityException("engine '" + name + "' has no snapshots");
  }

  @Override
  public synchronized void flush() {
    checkOpen();
    if (readOnly) {
      return;
    }
    if (failed != null) {
      throw new EngineFailedException("engine '" + name + "' stopped after: " + failed);
    }
    try {
      sync();
    } catch (IOException e) {
      failed = e.getMessage();
      throw new EngineFailedException("engine '" + name + "': flush failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void checkpoint(Path target) {
    if (!capabilities.contains(Capability.CHECKPOINTS)) {
      throw new UnsupportedCapabilityException("engine '" + name + "' has no checkpoints");
    }
    checkOpen();
    if (target == null || Files.exists(target)) {
      throw new InvalidArgumentException("checkpoint target " + target + " is null or exists");
    }
    try {
      checkpointTo(target);
    } catch (IOException e) {
      throw new StorageIOException("checkpoint to " + target + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized EngineStatistics statistics() {
    checkOpen();
    return new EngineStatistics(map.size(), -1, -1, Map.of());
  }

  @Override
  public synchronized ConsistencyReport checkConsistency() {
    checkOpen();
    try {
      return check();
    } catch (IOException e) {
      throw new StorageIOException("consistency check could not read: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closeFiles();
    } catch (IOException e) {
      throw new StorageIOException("engine '" + name + "' did not close cleanly: " + e, e);
    }
  }

  /** The map's content as a string-free comparable copy, for consistency checks. */
  static boolean sameContent(NavigableMap<byte[], byte[]> a, NavigableMap<byte[], byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    var ia = a.entrySet().iterator();
    var ib = b.entrySet().iterator();
    while (ia.hasNext()) {
      var x = ia.next();
      var y = ib.next();
      if (!Arrays.equals(x.getKey(), y.getKey()) || !Arrays.equals(x.getValue(), y.getValue())) {
        return false;
      }
    }
    return true;
  }
}
