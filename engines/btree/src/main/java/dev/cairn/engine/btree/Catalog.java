package dev.cairn.engine.btree;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Keyspace;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keyspaces of one committed state, each with the root of its own tree: written as a blob chain
 * by every commit and referenced by its meta ({@code docs/formats/btree-meta.md}, "Catalog").
 * Immutable.
 *
 * <pre>
 * | next keyspace id (4B) | keyspaces (4B) | per keyspace: name length (1B) | name (ASCII) |
 * | id (4B) | root page id (8B; 0: empty) | root txid (8B) | entries (8B) |
 * </pre>
 *
 * @param roots the keyspaces by name
 * @param nextId the id the next keyspace created gets; ids are never reused, so a handle on a
 *     dropped keyspace never reaches one created later under its name
 */
record Catalog(Map<String, Root> roots, int nextId) {

  /** A keyspace's tree: its id, root page and entry count. */
  record Root(int id, long pageId, long txid, long entries) {
    boolean empty() {
      return pageId == 0;
    }
  }

  Catalog {
    roots = Collections.unmodifiableMap(new TreeMap<>(roots));
  }

  /** The catalog of a new store: the default keyspace, empty. */
  static Catalog initial() {
    return new Catalog(Map.of(Keyspace.DEFAULT, new Root(0, 0, 0, 0)), 1);
  }

  Root root(String name) {
    return roots.get(name);
  }

  long entries() {
    long n = 0;
    for (Root r : roots.values()) {
      n += r.entries();
    }
    return n;
  }

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(8 + 64 + 28).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(nextId).putInt(roots.size());
    out.write(b.array(), 0, b.position());
    for (Map.Entry<String, Root> e : roots.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
      Root r = e.getValue();
      b.clear();
      b.put((byte) name.length).put(name);
      b.putInt(r.id()).putLong(r.pageId()).putLong(r.txid()).putLong(r.entries());
      out.write(b.array(), 0, b.position());
    }
    return out.toByteArray();
  }

  /**
   * @throws CorruptionException if the bytes do not parse
   */
  static Catalog decode(byte[] bytes, String where) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int nextId = b.getInt();
      int count = b.getInt();
      if (count < 1 || count > bytes.length) {
        throw new CorruptionException(where + ": the catalog lists " + count + " keyspaces");
      }
      Map<String, Root> roots = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[b.get() & 0xff];
        b.get(name);
        String n = new String(name, StandardCharsets.US_ASCII);
        if (!Keyspace.NAME.matcher(n).matches()) {
          throw new CorruptionException(where + ": the catalog names an invalid keyspace");
        }
        roots.put(n, new Root(b.getInt(), b.getLong(), b.getLong(), b.getLong()));
      }
      if (!roots.containsKey(Keyspace.DEFAULT)) {
        throw new CorruptionException(where + ": the catalog has no default keyspace");
      }
      return new Catalog(roots, nextId);
    } catch (BufferUnderflowException e) {
      throw new CorruptionException(where + ": the catalog is cut short", e);
    }
  }
}
