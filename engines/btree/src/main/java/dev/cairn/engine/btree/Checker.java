package dev.cairn.engine.btree;

import dev.cairn.engine.btree.Node.Child;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.StorageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The consistency check of one committed state, read from the file past the cache (bbolt's {@code
 * tx_check.go}): every page below the high-water mark is reachable once or free once, never both
 * nor neither; every page read passes its checksum, id and txid checks; no page is newer than the
 * page or meta that references it; keys are strictly ascending in each node and lie within the
 * bounds their parents give them; every leaf is at the same depth; each keyspace holds the number
 * of entries its catalog records; the freelist is sorted, in range and without duplicates.
 *
 * <p>The state checked is registered as a reader by the caller, so no page of it is reused while
 * the check runs.
 */
final class Checker {

  private static final int MAX_PROBLEMS = 100;

  private final Pager pager;
  private final Meta meta;
  private final BitSet used = new BitSet();
  private final BitSet free = new BitSet();
  private final List<String> problems = new ArrayList<>();
  private long items;

  private Checker(Pager pager, Meta meta) {
    this.pager = pager;
    this.meta = meta;
  }

  static ConsistencyReport check(Pager pager, Version v) {
    Checker c = new Checker(pager, v.meta);
    c.run(v);
    return new ConsistencyReport(c.items, c.problems);
  }

  private void problem(String p) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(pager.where() + ": " + p);
    }
  }

  private void run(Version v) {
    if (meta.highWater() > Integer.MAX_VALUE) {
      problem("high-water mark " + meta.highWater() + " is beyond what the check can map");
      return;
    }
    try {
      if (meta.inlineCatalog() == null) {
        markChain(meta.catalog(), PageFormat.CATALOG, "the catalog");
      }
      if (meta.inlineFreelist() == null) {
        markChain(meta.freelist(), PageFormat.FREELIST, "the freelist");
      }
      long[] listed = Freelist.decode(meta.freelistBytes(pager), meta.highWater(), pager.where());
      for (long id : listed) {
        free.set((int) id);
      }
    } catch (StorageException e) {
      problem("cannot read the catalog or the freelist: " + e.getMessage());
      return;
    }
    for (Map.Entry<String, Catalog.Root> e : v.catalog.roots().entrySet()) {
      Catalog.Root r = e.getValue();
      if (r.empty()) {
        if (r.entries() != 0) {
          problem("keyspace '" + e.getKey() + "' is empty but records " + r.entries() + " entries");
        }
        continue;
      }
      if (r.txid() > meta.txid()) {
        problem("keyspace '" + e.getKey() + "' has a root newer than its meta");
      }
      long[] entries = {0};
      int[] leafDepth = {-1};
      try {
        walk(
            e.getKey(),
            new Child(r.pageId(), r.txid(), null),
            null,
            null,
            1,
            meta.txid(),
            entries,
            leafDepth);
      } catch (StorageException x) {
        problem("keyspace '" + e.getKey() + "': " + x.getMessage());
        continue;
      }
      if (entries[0] != r.entries()) {
        problem(
            "keyspace '"
                + e.getKey()
                + "' holds "
                + entries[0]
                + " entries but its catalog records "
                + r.entries());
      }
    }
    for (long id = Meta.SLOTS; id < meta.highWater(); id++) {
      int i = (int) id;
      items++;
      if (used.get(i) && free.get(i)) {
        problem("page " + id + " is both in use and free");
      } else if (!used.get(i) && !free.get(i)) {
        problem("page " + id + " is neither reachable nor free (leaked)");
      }
    }
  }

  private void mark(long id, String what) {
    if (id < Meta.SLOTS || id >= meta.highWater()) {
      problem(what + " references page " + id + ", outside [2, " + meta.highWater() + ")");
      return;
    }
    if (used.get((int) id)) {
      problem("page " + id + " is referenced twice (again by " + what + ")");
    }
    used.set((int) id);
  }

  private void markChain(BlobRef ref, byte type, String what) {
    if (ref.txid() > meta.txid()) {
      problem(what + " chain " + ref + " is newer than its meta");
    }
    for (long id : Blobs.pages(ref, type, pager, pager.layout(), pager.where())) {
      mark(id, what);
    }
  }

  private void walk(
      String keyspace,
      Child c,
      byte[] low,
      byte[] high,
      int depth,
      long parentTxid,
      long[] entries,
      int[] leafDepth) {
    if (depth > 64) {
      problem("keyspace '" + keyspace + "' is deeper than 64 levels (a page cycle?)");
      return;
    }
    if (c.txid() > parentTxid) {
      problem("page " + c.pageId() + " is newer than the page that references it");
    }
    mark(c.pageId(), "keyspace '" + keyspace + "'");
    if (c.pageId() < Meta.SLOTS || c.pageId() >= meta.highWater()) {
      return;
    }
    Node n = pager.readNode(c.pageId(), c.txid());
    for (BlobRef r : n.blobs()) {
      markChain(r, PageFormat.OVERFLOW, "an overflow chain of page " + c.pageId());
    }
    if (n.size() == 0) {
      problem("page " + c.pageId() + " is an empty " + (n.leaf ? "leaf" : "branch"));
      return;
    }
    for (int i = n.leaf ? 1 : 2; i < n.size(); i++) {
      if (Arrays.compareUnsigned(n.keys.get(i - 1), n.keys.get(i)) >= 0) {
        problem("page " + c.pageId() + ": keys out of order at entry " + i);
      }
    }
    if (n.leaf) {
      if (leafDepth[0] < 0) {
        leafDepth[0] = depth;
      } else if (leafDepth[0] != depth) {
        problem("leaf " + c.pageId() + " is at depth " + depth + ", others at " + leafDepth[0]);
      }
      for (byte[] k : n.keys) {
        if ((low != null && Arrays.compareUnsigned(k, low) < 0)
            || (high != null && Arrays.compareUnsigned(k, high) >= 0)) {
          problem("page " + c.pageId() + ": a key lies outside the bounds of its parent");
          break;
        }
      }
      entries[0] += n.size();
      items += n.size();
      return;
    }
    if (n.keys.getFirst().length != 0) {
      problem("branch " + c.pageId() + ": its first key is not empty");
    }
    for (int i = 0; i < n.size(); i++) {
      byte[] lo = i == 0 ? low : n.keys.get(i);
      byte[] hi = i + 1 < n.size() ? n.keys.get(i + 1) : high;
      if (i > 0
          && ((low != null && Arrays.compareUnsigned(lo, low) < 0)
              || (high != null && Arrays.compareUnsigned(lo, high) >= 0))) {
        problem("branch " + c.pageId() + ": separator " + i + " lies outside its parent's bounds");
      }
      walk(keyspace, n.children.get(i), lo, hi, depth + 1, c.txid(), entries, leafDepth);
    }
  }
}
