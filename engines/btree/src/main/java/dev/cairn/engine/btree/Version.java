package dev.cairn.engine.btree;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One committed state of the store, as readers see it: a meta and its catalog. Immutable but for
 * its count of registered readers ({@link Readers}).
 */
final class Version {

  final Meta meta;
  final Catalog catalog;
  final int slot;
  final AtomicInteger readers = new AtomicInteger();

  /**
   * The working state of {@code BUFFERED} writes applied on top of this committed one and not yet
   * written as pages (decision 0026): a tree per keyspace whose upper nodes may be in memory; null
   * when there is none. Gets read it; cursors, snapshots and the rest first have it committed.
   */
  final Map<String, Tx.TreeView> working;

  Version(Meta meta, Catalog catalog, int slot) {
    this(meta, catalog, slot, null);
  }

  Version(Meta meta, Catalog catalog, int slot, Map<String, Tx.TreeView> working) {
    this.meta = meta;
    this.catalog = catalog;
    this.slot = slot;
    this.working = working;
  }

  long txid() {
    return meta.txid();
  }
}
