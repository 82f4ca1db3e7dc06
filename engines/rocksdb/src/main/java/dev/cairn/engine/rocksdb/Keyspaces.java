package dev.cairn.engine.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The store's keyspaces: one RocksDB column family each, named as the keyspace; {@link
 * Keyspace#DEFAULT} is RocksDB's {@code "default"} column family.
 *
 * <p>A store is opened with every column family it has ({@code ListColumnFamilies}); one without
 * any but the default (every store written before keyspaces) opens as it always did. Creating and
 * dropping are RocksDB's {@code CreateColumnFamily} and {@code DropColumnFamily}: each one record
 * in the MANIFEST, synced before it returns, so a keyspace is durable once created and, after a
 * crash, either whole or gone once dropped.
 *
 * <p>Thread-safe for lookups; {@link #create} and {@link #drop} run under the store's write lock,
 * held exclusively ({@link Writer}), and {@link #pinAll()} under it shared, so the set of keyspaces
 * never changes under a write or while a snapshot is taken.
 */
final class Keyspaces {

  private final RocksDB db;
  private final ColumnFamilyOptions options;
  private final ColumnFamily defaultFamily;
  private final Map<String, ColumnFamily> live = new ConcurrentSkipListMap<>();

  /** Takes the handles RocksDB opened for {@code descriptors}, in their order. */
  Keyspaces(
      RocksDB db,
      ColumnFamilyOptions options,
      List<ColumnFamilyDescriptor> descriptors,
      List<ColumnFamilyHandle> handles) {
    this.db = db;
    this.options = options;
    ColumnFamily found = null;
    for (int i = 0; i < descriptors.size(); i++) {
      String name = new String(descriptors.get(i).getName(), UTF_8);
      boolean isDefault = name.equals(Keyspace.DEFAULT);
      ColumnFamily cf = new ColumnFamily(name, handles.get(i), !isDefault);
      live.put(name, cf);
      if (isDefault) {
        found = cf;
      }
    }
    if (found == null) {
      throw new IllegalStateException("RocksDB opened no default column family");
    }
    this.defaultFamily = found;
  }

  /**
   * What to open the store in {@code dir} with: every column family it has, each with {@code
   * options}; only the default one for a new store.
   */
  static List<ColumnFamilyDescriptor> descriptors(
      Options dbOptions, Path dir, ColumnFamilyOptions options) throws RocksDBException {
    List<byte[]> names = RocksDB.listColumnFamilies(dbOptions, dir.toString());
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    if (names.isEmpty()) {
      names = List.of(RocksDB.DEFAULT_COLUMN_FAMILY);
    }
    for (byte[] name : names) {
      descriptors.add(new ColumnFamilyDescriptor(name, options));
    }
    return descriptors;
  }

  ColumnFamily defaultFamily() {
    return defaultFamily;
  }

  /** The keyspace {@code name}, or null. */
  ColumnFamily find(String name) {
    return live.get(name);
  }

  /**
   * The keyspace {@code name}.
   *
   * @throws InvalidArgumentException naming it and the store's keyspaces when there is none
   */
  ColumnFamily require(String name, Path directory) {
    ColumnFamily cf = live.get(name);
    if (cf == null) {
      throw new InvalidArgumentException(
          "no keyspace '" + name + "' in store " + directory + "; it has " + names());
    }
    return cf;
  }

  /** The names of the keyspaces, sorted. */
  List<String> names() {
    return List.copyOf(live.keySet());
  }

  /** The keyspaces, sorted by name; a copy. */
  List<ColumnFamily> all() {
    return List.copyOf(live.values());
  }

  /**
   * Creates the column family {@code name}. Caller holds the write lock exclusively.
   *
   * @throws InvalidArgumentException if it exists
   */
  ColumnFamily create(String name, Path directory) throws RocksDBException {
    if (live.containsKey(name)) {
      throw new InvalidArgumentException(
          "keyspace '" + name + "' already exists in store " + directory);
    }
    ColumnFamilyHandle handle =
        db.createColumnFamily(new ColumnFamilyDescriptor(name.getBytes(UTF_8), options));
    ColumnFamily cf = new ColumnFamily(name, handle, true);
    live.put(name, cf);
    return cf;
  }

  /**
   * Drops the column family {@code name}, then retires its handle (waiting for reads in flight; the
   * handle is freed when no cursor or snapshot pins it). Caller holds the write lock exclusively.
   *
   * @throws InvalidArgumentException for the default keyspace, or one that does not exist
   */
  void drop(String name, Path directory) throws RocksDBException {
    if (name.equals(Keyspace.DEFAULT)) {
      throw new InvalidArgumentException("the default keyspace cannot be dropped");
    }
    ColumnFamily cf = require(name, directory);
    db.dropColumnFamily(cf.handle()); // NB: first, so a failed drop changes nothing here
    live.remove(name);
    cf.dropped();
  }

  /**
   * Pins every keyspace, for a snapshot. Caller holds the write lock shared, so none is created or
   * dropped meanwhile.
   */
  Map<String, ColumnFamily> pinAll() {
    Map<String, ColumnFamily> pinned = new LinkedHashMap<>();
    for (ColumnFamily cf : live.values()) {
      if (cf.pin()) {
        pinned.put(cf.name(), cf);
      }
    }
    return pinned;
  }

  /**
   * Releases the store's pin on every keyspace, freeing their handles; the store closed its cursors
   * and snapshots first, so nothing else pins them. RocksJava also frees, when the database closes,
   * any handle it opened that is still open.
   */
  void close() {
    for (ColumnFamily cf : live.values()) {
      cf.unpin();
    }
    live.clear();
  }
}
