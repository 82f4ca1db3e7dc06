package dev.cairn.engine.btree;

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

  Version(Meta meta, Catalog catalog, int slot) {
    this.meta = meta;
    this.catalog = catalog;
    this.slot = slot;
  }

  long txid() {
    return meta.txid();
  }
}
