/**
 * The B+tree engine: a durable copy-on-write B+tree (LMDB and bbolt lineage) for read-heavy and
 * ordered workloads.
 *
 * <p>Reading order: {@link dev.cairn.engine.btree.BtreeEngineProvider} (settings, capabilities);
 * {@code BtreeEngine} (the operations); the bytes: {@code PageFormat} (the header every page
 * carries), {@code Meta} (the two meta slots), {@code Node} (branch and leaf pages), {@code Blobs}
 * and {@code BlobRef} (overflow, freelist and catalog chains), {@code Layout} (what fits where),
 * {@code Catalog} (a root per keyspace), {@code FormatVersion}; the read path: {@code PageFile},
 * {@code PageCache} (pages in engine-owned memory), {@code NodeView} (a page read in place), {@code
 * Pager}, {@code Version} and {@code Readers} (readers register the state they read), {@code
 * BtreeCursor}, {@code BtreeSnapshot}, {@code BtreeKeyspace}; the write path: {@code Committer}
 * (the single writer, group commit, the shadow-paging commit), {@code Tx} (copy-on-write changes,
 * splits and merges), {@code Freelist} (when a freed page may be reused); opening: {@code Recovery}
 * (which meta, and is what it references on disk); and {@code Checker}, {@code Checkpointer},
 * {@code FailStop}. The design is in {@code docs/engines/btree.md}; the formats in {@code
 * docs/formats/btree-page.md} and {@code btree-meta.md}.
 */
package dev.cairn.engine.btree;
