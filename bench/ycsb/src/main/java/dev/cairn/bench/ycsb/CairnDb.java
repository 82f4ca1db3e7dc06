package dev.cairn.bench.ycsb;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.StoreBuilder;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.locks.ReentrantLock;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * A YCSB {@link DB} over any Cairn engine, opened through the runtime: {@code
 * Cairn.store(dir).engine(name).open()}. Run the standard YCSB client with {@code -db
 * dev.cairn.bench.ycsb.CairnDb} and these properties:
 *
 * <ul>
 *   <li>{@value #ENGINE}: the engine's name (required), e.g. {@code memory} or {@code rocksdb};
 *   <li>{@value #DIR}: the store's directory (required by durable engines; created if missing);
 *   <li>{@value #DURABILITY}: {@code sync} or {@code buffered}, the durability of every write
 *       (default: the engine's default).
 * </ul>
 *
 * <p>A record is one Cairn entry (see {@link RecordCodec}); an update reads the record, replaces
 * the given fields and writes it back, under a per-key lock so that concurrent updates of one
 * record lose nothing. Reads, inserts and deletes go straight to the engine through the runtime's
 * boundary (so its metrics and checks are included in the figures).
 *
 * <p>YCSB makes one instance per client thread and calls {@link #init} and {@link #cleanup} on each
 * from that thread; the instances share one open store, closed by the last {@link #cleanup}. An
 * instance is used by one thread at a time. Operation failures are returned as {@link Status#ERROR}
 * (which YCSB counts) and logged at {@code WARNING}.
 */
public class CairnDb extends DB {

  /** Property: the engine's name. */
  public static final String ENGINE = "cairn.engine";

  /** Property: the store's directory. */
  public static final String DIR = "cairn.dir";

  /** Property: {@code sync} or {@code buffered}. */
  public static final String DURABILITY = "cairn.durability";

  private static final System.Logger LOG = System.getLogger(CairnDb.class.getName());

  private SharedStore store;
  private StorageEngine engine;
  private Durability durability;

  /** An instance for YCSB to configure with {@link #setProperties} and {@link #init}. */
  public CairnDb() {}

  /**
   * Opens the store the properties name, or joins it if another client thread opened it.
   *
   * @throws DBException naming the property that is missing or wrong, or why the store did not open
   *     (an engine that is not installed lists the installed ones)
   */
  @Override
  public void init() throws DBException {
    Properties p = getProperties();
    String name = p.getProperty(ENGINE);
    if (name == null || name.isBlank()) {
      throw new DBException(
          "property " + ENGINE + " is required: the Cairn engine to drive, one of " + installed());
    }
    String dir = p.getProperty(DIR);
    Durability chosen = parseDurability(p.getProperty(DURABILITY));
    String id = dir == null ? "in-memory:" + name : Path.of(dir).toAbsolutePath().toString();
    try {
      store =
          SharedStore.acquire(
              id,
              () -> {
                StoreBuilder b =
                    dir == null ? Cairn.inMemory(name) : Cairn.store(Path.of(dir)).engine(name);
                if (chosen != null) {
                  b.defaultDurability(chosen);
                }
                return b.open();
              });
    } catch (RuntimeException e) {
      throw new DBException(
          "cannot open Cairn engine '"
              + name
              + "'"
              + (dir == null ? " without a directory (set " + DIR + ")" : " in " + dir)
              + ": "
              + e.getMessage(),
          e);
    }
    engine = store.engine;
    durability = chosen == null ? engine.defaultDurability() : chosen;
  }

  private static String installed() {
    try {
      return Cairn.engines().list().stream().map(i -> i.name()).toList().toString();
    } catch (RuntimeException e) {
      return "(the installed engines could not be listed: " + e.getMessage() + ")";
    }
  }

  /**
   * The durability a {@value #DURABILITY} property names, or null when it is absent.
   *
   * @throws DBException if it names neither {@code sync} nor {@code buffered}
   */
  static Durability parseDurability(String value) throws DBException {
    if (value == null) {
      return null;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "sync" -> Durability.SYNC;
      case "buffered" -> Durability.BUFFERED;
      default ->
          throw new DBException(
              "property " + DURABILITY + " must be sync or buffered, got '" + value + "'");
    };
  }

  /** Closes the store if this was its last client thread. */
  @Override
  public void cleanup() throws DBException {
    if (store != null) {
      SharedStore s = store;
      store = null;
      engine = null;
      try {
        s.release();
      } catch (RuntimeException e) {
        throw new DBException("closing the Cairn store failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Status read(
      String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
    try {
      byte[] value = engine.get(RecordCodec.key(table, key));
      if (value == null) {
        return Status.NOT_FOUND;
      }
      RecordCodec.decode(value, fields).forEach((f, v) -> result.put(f, iterator(v)));
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("read", key, e);
    }
  }

  @Override
  public Status scan(
      String table,
      String startkey,
      int recordcount,
      Set<String> fields,
      Vector<HashMap<String, ByteIterator>> result) {
    KeyRange range =
        KeyRange.between(RecordCodec.key(table, startkey), RecordCodec.tableEnd(table));
    try (Cursor c = engine.cursor(range, Direction.FORWARD)) {
      while (result.size() < recordcount && c.next()) {
        HashMap<String, ByteIterator> record = new HashMap<>();
        RecordCodec.decode(c.value(), fields).forEach((f, v) -> record.put(f, iterator(v)));
        result.add(record);
      }
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("scan", startkey, e);
    }
  }

  @Override
  public Status update(String table, String key, Map<String, ByteIterator> values) {
    byte[] k = RecordCodec.key(table, key);
    ReentrantLock lock = store.lockFor(k);
    lock.lock();
    try {
      byte[] old = engine.get(k);
      if (old == null) {
        return Status.NOT_FOUND;
      }
      Map<String, byte[]> fields = RecordCodec.decode(old, null);
      values.forEach((f, v) -> fields.put(f, v.toArray()));
      engine.put(k, RecordCodec.encode(fields), durability);
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("update", key, e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Status insert(String table, String key, Map<String, ByteIterator> values) {
    try {
      Map<String, byte[]> fields = new LinkedHashMap<>();
      values.forEach((f, v) -> fields.put(f, v.toArray()));
      engine.put(RecordCodec.key(table, key), RecordCodec.encode(fields), durability);
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("insert", key, e);
    }
  }

  @Override
  public Status delete(String table, String key) {
    try {
      engine.delete(RecordCodec.key(table, key), durability);
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("delete", key, e);
    }
  }

  private static ByteIterator iterator(byte[] v) {
    return new ByteArrayByteIterator(v);
  }

  private static Status failed(String op, String key, RuntimeException e) {
    LOG.log(System.Logger.Level.WARNING, () -> op + " of '" + key + "' failed", e);
    return Status.ERROR;
  }
}
