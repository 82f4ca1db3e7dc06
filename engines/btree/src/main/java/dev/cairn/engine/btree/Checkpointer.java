package dev.cairn.engine.btree;

import dev.cairn.spi.Direction;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checkpoints: a consistent, compacted copy of one committed state, written as a new store.
 *
 * <p>The state is registered as a reader for the whole copy, so it stays as it was while later
 * commits go on. Its keyspaces are created in a new store at {@code target} and its entries
 * appended there in key order, in transactions of about {@link #BATCH_BYTES}; appending fills the
 * new store's pages ({@link Tx}), so the copy holds no free pages and fills its nodes: the copy is
 * also how a store's free space is given back (copy, then replace). The copy is forced before it is
 * reported done.
 */
final class Checkpointer {

  private Checkpointer() {}

  static final long BATCH_BYTES = 4L << 20;

  /**
   * Writes the checkpoint.
   *
   * @return the size of the copy's data file, in bytes
   */
  static long write(BtreeEngine source, Version v, Path target, int pageSize) {
    EngineOptions o =
        EngineOptions.builder()
            .directory(target)
            .createIfMissing(true)
            .settings(
                Map.of(
                    BtreeEngineProvider.PAGE_SIZE.name(),
                    Integer.toString(pageSize),
                    BtreeEngineProvider.CACHE_SIZE.name(),
                    "1m"))
            .build();
    BtreeEngine copy = BtreeEngine.open(o, BtreeEngineProvider.Settings.of(o));
    try (copy) {
      for (Map.Entry<String, Catalog.Root> e : v.catalog.roots().entrySet()) {
        String name = e.getKey();
        if (!name.equals(Keyspace.DEFAULT)) {
          copy.commit(tx -> tx.createKeyspace(name), false);
        }
        List<byte[][]> batch = new ArrayList<>();
        long bytes = 0;
        try (BtreeCursor c =
            source.newCursor(v, false, e.getValue(), KeyRange.all(), Direction.FORWARD, x -> {})) {
          while (c.next()) {
            byte[] k = c.key();
            byte[] val = c.value();
            batch.add(new byte[][] {k, val});
            bytes += k.length + val.length + 16;
            if (bytes >= BATCH_BYTES) {
              append(copy, name, batch);
              batch = new ArrayList<>();
              bytes = 0;
            }
          }
        }
        append(copy, name, batch);
      }
      copy.commit(null, true); // NB: not flush(): the caller's deadline must not stop it half-way
      return copy.dataFileSize();
    }
  }

  private static void append(BtreeEngine copy, String keyspace, List<byte[][]> entries) {
    if (entries.isEmpty()) {
      return;
    }
    copy.commit(
        tx -> {
          for (byte[][] e : entries) {
            tx.put(keyspace, e[0], e[1]);
          }
        },
        false);
  }
}
