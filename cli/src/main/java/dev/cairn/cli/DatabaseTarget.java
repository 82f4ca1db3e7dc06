package dev.cairn.cli;

import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.database.Database;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;

/**
 * What a data command opens for {@code --db DIR}: the database, standing in for a store until
 * {@link KeyspaceOption#resolve} picks the keyspace the command works on. Every store operation on
 * it refuses, saying that a keyspace must be named; closing it closes the database.
 */
final class DatabaseTarget implements StorageEngine {

  private final Database database;

  private DatabaseTarget(Database database) {
    this.database = database;
  }

  static DatabaseTarget open(EngineRegistry registry, Path dir, boolean readOnly) {
    return new DatabaseTarget(
        registry.database(dir).createIfMissing(false).readOnly(readOnly).open());
  }

  /**
   * The keyspace {@code name} of the database.
   *
   * @throws InvalidArgumentException if no name was given, or the database has no such keyspace
   *     (listing those it has)
   */
  Keyspace databaseKeyspace(String name) {
    if (name == null) {
      throw unnamed();
    }
    return database.keyspace(name);
  }

  private InvalidArgumentException unnamed() {
    return new InvalidArgumentException(
        "--db "
            + database.directory()
            + " needs --keyspace NAME; the database has "
            + database.keyspaceNames());
  }

  @Override
  public Durability defaultDurability() {
    return Durability.SYNC;
  }

  @Override
  public byte[] get(byte[] key) {
    throw unnamed();
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    throw unnamed();
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    throw unnamed();
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    throw unnamed();
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    throw unnamed();
  }

  @Override
  public Snapshot snapshot() {
    throw unnamed();
  }

  @Override
  public void flush() {
    database.flush();
  }

  @Override
  public void checkpoint(Path target) {
    throw unnamed();
  }

  @Override
  public EngineStatistics statistics() {
    throw unnamed();
  }

  @Override
  public ConsistencyReport checkConsistency() {
    throw unnamed();
  }

  @Override
  public void close() {
    database.close();
  }
}
