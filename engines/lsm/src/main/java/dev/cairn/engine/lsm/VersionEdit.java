package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A change to the tree's state, as the manifest records it (LevelDB's {@code version_edit.cc};
 * {@code docs/formats/lsm-manifest.md}): tables added to and removed from levels, and the counters
 * that must survive a restart. A sequence of tagged fields:
 *
 * <pre>
 * 1 log number:      | 1 | number (varint64) |            the oldest log still needed
 * 2 next file:       | 2 | number (varint64) |            above every file number used
 * 3 last sequence:   | 3 | sequence (varint64) |          at least every sequence in a table
 * 4 deleted table:   | 4 | level (varint32) | number (varint64) |
 * 5 new table:       | 5 | level (varint32) | number (varint64) | size (varint64) |
 *                    | smallest key length (varint32) | smallest internal key |
 *                    | largest key length (varint32) | largest internal key |
 *                    | smallest sequence (varint64) | largest sequence (varint64) | entries (varint64) |
 * 6 keyspace:        | 6 | id (varint32) | name length (varint32) | name (ASCII) |
 * 7 dropped keyspace:| 7 | id (varint32) | sequence at the drop (varint64) |
 * 8 next keyspace:   | 8 | id (varint32) |                above every keyspace id used
 * 9 new table with range tombstones (format version 3):
 *                    | 9 | the fields of 5 | range tombstones (varint64, at least 1) |
 * </pre>
 *
 * <p>Not thread-safe; immutable once logged.
 */
final class VersionEdit {

  static final int LOG_NUMBER = 1;
  static final int NEXT_FILE = 2;
  static final int LAST_SEQUENCE = 3;
  static final int DELETED_TABLE = 4;
  static final int NEW_TABLE = 5;
  static final int KEYSPACE = 6;
  static final int DROPPED_KEYSPACE = 7;
  static final int NEXT_KEYSPACE = 8;
  static final int NEW_TABLE_WITH_RANGE_TOMBSTONES = 9;

  /**
   * A table removed from a level.
   *
   * @param level the level
   * @param number the table's number
   */
  record Deleted(int level, long number) {}

  /**
   * A table added to a level.
   *
   * @param level the level
   * @param meta the table
   */
  record Added(int level, FileMeta meta) {}

  /**
   * A keyspace's name and id.
   *
   * @param id the id
   * @param name the name
   */
  record KeyspaceEntry(int id, String name) {}

  /**
   * A dropped keyspace.
   *
   * @param id its id
   * @param sequence the visible sequence when it was dropped
   */
  record DroppedKeyspace(int id, long sequence) {}

  final List<KeyspaceEntry> keyspaces = new ArrayList<>();
  final List<DroppedKeyspace> droppedKeyspaces = new ArrayList<>();
  int nextKeyspace = -1;
  long logNumber = -1;
  long nextFile = -1;
  long lastSequence = -1;
  final List<Deleted> deleted = new ArrayList<>();
  final List<Added> added = new ArrayList<>();

  VersionEdit deleteTable(int level, long number) {
    deleted.add(new Deleted(level, number));
    return this;
  }

  VersionEdit addTable(int level, FileMeta meta) {
    added.add(new Added(level, meta));
    return this;
  }

  byte[] encode() {
    int size = 3 * (1 + Varints.MAX_LONG_BYTES);
    size += deleted.size() * (1 + Varints.MAX_INT_BYTES + Varints.MAX_LONG_BYTES);
    for (Added a : added) {
      size += 2 + 9 * Varints.MAX_LONG_BYTES;
      size += a.meta().smallest().userKey.length + a.meta().largest().userKey.length + 16;
    }
    size += 1 + Varints.MAX_INT_BYTES;
    size += keyspaces.size() * (1 + 2 * Varints.MAX_INT_BYTES + 64);
    size += droppedKeyspaces.size() * (1 + Varints.MAX_INT_BYTES + Varints.MAX_LONG_BYTES);
    ByteBuffer b = ByteBuffer.allocate(size);
    if (logNumber >= 0) {
      b.put((byte) LOG_NUMBER);
      Varints.putUnsignedLong(b, logNumber);
    }
    if (nextFile >= 0) {
      b.put((byte) NEXT_FILE);
      Varints.putUnsignedLong(b, nextFile);
    }
    if (lastSequence >= 0) {
      b.put((byte) LAST_SEQUENCE);
      Varints.putUnsignedLong(b, lastSequence);
    }
    for (Deleted d : deleted) {
      b.put((byte) DELETED_TABLE);
      Varints.putUnsignedInt(b, d.level());
      Varints.putUnsignedLong(b, d.number());
    }
    for (Added a : added) {
      FileMeta m = a.meta();
      b.put((byte) (m.rangeTombstones() > 0 ? NEW_TABLE_WITH_RANGE_TOMBSTONES : NEW_TABLE));
      Varints.putUnsignedInt(b, a.level());
      Varints.putUnsignedLong(b, m.number());
      Varints.putUnsignedLong(b, m.size());
      putKey(b, m.smallest());
      putKey(b, m.largest());
      Varints.putUnsignedLong(b, m.smallestSequence());
      Varints.putUnsignedLong(b, m.largestSequence());
      Varints.putUnsignedLong(b, m.entries());
      if (m.rangeTombstones() > 0) {
        Varints.putUnsignedLong(b, m.rangeTombstones());
      }
    }
    for (KeyspaceEntry k : keyspaces) {
      byte[] name = k.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      b.put((byte) KEYSPACE);
      Varints.putUnsignedInt(b, k.id());
      Varints.putUnsignedInt(b, name.length);
      b.put(name);
    }
    for (DroppedKeyspace d : droppedKeyspaces) {
      b.put((byte) DROPPED_KEYSPACE);
      Varints.putUnsignedInt(b, d.id());
      Varints.putUnsignedLong(b, d.sequence());
    }
    if (nextKeyspace >= 0) {
      b.put((byte) NEXT_KEYSPACE);
      Varints.putUnsignedInt(b, nextKeyspace);
    }
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static void putKey(ByteBuffer b, InternalKey k) {
    byte[] e = k.encode();
    Varints.putUnsignedInt(b, e.length);
    b.put(e);
  }

  /**
   * Decodes an edit.
   *
   * @throws CorruptionException if a field is unknown, cut short or out of range
   */
  static VersionEdit decode(byte[] bytes, String where) {
    VersionEdit e = new VersionEdit();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      while (b.hasRemaining()) {
        int tag = b.get() & 0xFF;
        switch (tag) {
          case LOG_NUMBER ->
              e.logNumber = nonNegative(Varints.getUnsignedLong(b), "log number", where);
          case NEXT_FILE ->
              e.nextFile = nonNegative(Varints.getUnsignedLong(b), "next file", where);
          case LAST_SEQUENCE -> e.lastSequence = sequence(Varints.getUnsignedLong(b), where);
          case DELETED_TABLE ->
              e.deleted.add(
                  new Deleted(
                      level(Varints.getUnsignedInt(b), where),
                      nonNegative(Varints.getUnsignedLong(b), "table number", where)));
          case NEW_TABLE, NEW_TABLE_WITH_RANGE_TOMBSTONES -> {
            int level = level(Varints.getUnsignedInt(b), where);
            long number = nonNegative(Varints.getUnsignedLong(b), "table number", where);
            long size = nonNegative(Varints.getUnsignedLong(b), "table size", where);
            InternalKey smallest = key(b, where);
            InternalKey largest = key(b, where);
            long smallestSeq = sequence(Varints.getUnsignedLong(b), where);
            long largestSeq = sequence(Varints.getUnsignedLong(b), where);
            long entries = nonNegative(Varints.getUnsignedLong(b), "entry count", where);
            long tombstones = 0;
            if (tag == NEW_TABLE_WITH_RANGE_TOMBSTONES) {
              tombstones = Varints.getUnsignedLong(b);
              if (tombstones < 1) {
                throw new CorruptionException(
                    where + ": table " + number + " has a range tombstone count out of range");
              }
            }
            if (InternalKey.compare(smallest, largest) > 0 || smallestSeq > largestSeq) {
              throw new CorruptionException(where + ": table " + number + " has reversed bounds");
            }
            e.added.add(
                new Added(
                    level,
                    new FileMeta(
                        number,
                        size,
                        smallest,
                        largest,
                        smallestSeq,
                        largestSeq,
                        entries,
                        tombstones)));
          }
          case KEYSPACE -> {
            int id = keyspaceId(Varints.getUnsignedInt(b), where);
            int n = Varints.getUnsignedInt(b);
            if (n < 1 || n > 64 || n > b.remaining()) {
              throw new CorruptionException(
                  where + ": a keyspace name of " + Integer.toUnsignedString(n) + " bytes");
            }
            byte[] name = new byte[n];
            b.get(name);
            String text = new String(name, java.nio.charset.StandardCharsets.US_ASCII);
            if (!dev.cairn.spi.Keyspace.NAME.matcher(text).matches()) {
              throw new CorruptionException(where + ": an invalid keyspace name");
            }
            e.keyspaces.add(new KeyspaceEntry(id, text));
          }
          case DROPPED_KEYSPACE ->
              e.droppedKeyspaces.add(
                  new DroppedKeyspace(
                      keyspaceId(Varints.getUnsignedInt(b), where),
                      sequence(Varints.getUnsignedLong(b), where)));
          case NEXT_KEYSPACE -> e.nextKeyspace = keyspaceId(Varints.getUnsignedInt(b), where);
          default -> throw new CorruptionException(where + ": unknown version edit field " + tag);
        }
      }
    } catch (java.nio.BufferUnderflowException ex) {
      throw new CorruptionException(where + ": a version edit ends inside a field", ex);
    } catch (CorruptionException ex) {
      if (ex.getMessage() != null && ex.getMessage().startsWith(where)) {
        throw ex;
      }
      throw new CorruptionException(where + ": " + ex.getMessage(), ex);
    }
    return e;
  }

  private static long nonNegative(long v, String what, String where) {
    if (v < 0) {
      throw new CorruptionException(where + ": " + what + " out of range");
    }
    return v;
  }

  private static long sequence(long v, String where) {
    if (v < 0 || v > InternalKey.MAX_SEQUENCE) {
      throw new CorruptionException(
          where + ": sequence " + Long.toUnsignedString(v) + " out of range");
    }
    return v;
  }

  private static int keyspaceId(int id, String where) {
    if (id < 0) {
      throw new CorruptionException(where + ": keyspace id out of range");
    }
    return id;
  }

  private static int level(int level, String where) {
    if (level < 0 || level >= Version.LEVELS) {
      throw new CorruptionException(
          where + ": level " + Integer.toUnsignedString(level) + " out of range");
    }
    return level;
  }

  private static InternalKey key(ByteBuffer b, String where) {
    int n = Varints.getUnsignedInt(b);
    if (n < InternalKey.TRAILER_SIZE || n > b.remaining()) {
      throw new CorruptionException(where + ": a key of " + Integer.toUnsignedString(n) + " bytes");
    }
    byte[] k = new byte[n];
    b.get(k);
    return InternalKey.decode(k);
  }

  @Override
  public String toString() {
    return "VersionEdit[log="
        + logNumber
        + ", next="
        + nextFile
        + ", last="
        + lastSequence
        + ", deleted="
        + deleted
        + ", added="
        + added
        + (keyspaces.isEmpty() ? "" : ", keyspaces=" + keyspaces)
        + (droppedKeyspaces.isEmpty() ? "" : ", dropped=" + droppedKeyspaces)
        + (nextKeyspace < 0 ? "" : ", nextKeyspace=" + nextKeyspace)
        + "]";
  }
}
