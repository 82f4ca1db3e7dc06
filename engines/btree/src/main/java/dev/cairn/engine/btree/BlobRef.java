package dev.cairn.engine.btree;

import java.nio.ByteBuffer;

/**
 * A reference to a blob: bytes kept in a chain of pages of their own (an overflow value or key, the
 * freelist, the catalog), written by one transaction.
 *
 * @param pageId the chain's first page
 * @param txid the transaction that wrote every page of the chain
 * @param length the blob's bytes
 */
record BlobRef(long pageId, long txid, int length) {

  /** Bytes of an encoded reference. */
  static final int SIZE = 20;

  void write(ByteBuffer b) {
    b.putLong(pageId).putLong(txid).putInt(length);
  }

  static BlobRef read(ByteBuffer b) {
    return new BlobRef(b.getLong(), b.getLong(), b.getInt());
  }
}
