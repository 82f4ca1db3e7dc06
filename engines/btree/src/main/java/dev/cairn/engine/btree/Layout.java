package dev.cairn.engine.btree;

/**
 * What fits where in a page of a given size: the limits that decide when a key or a value leaves
 * its node for an overflow chain, and when a node is split or merged.
 *
 * <p>An entry never takes more than a quarter of a node's body, so a split always finds a point
 * that leaves each half at most full, and a node of one page holds at least four entries: the
 * tree's fan-out never degenerates. Keys longer than {@link #maxInlineKey()} (an eighth of the
 * body) and values that would make their entry too large live in overflow chains; their entries
 * keep a 20-byte {@link BlobRef} (decision 0018).
 *
 * @param pageSize bytes of a page
 */
record Layout(int pageSize) {

  /** Bytes of a node's body. */
  int body() {
    return pageSize - PageFormat.HEADER_SIZE;
  }

  /** The largest entry a node keeps inline. */
  int maxEntry() {
    return body() / 4;
  }

  /** The longest key a node keeps inline. */
  int maxInlineKey() {
    return body() / 8;
  }

  /** Bytes below which a node is merged with a sibling: a quarter of its body. */
  int mergeThreshold() {
    return body() / 4;
  }

  /** Payload bytes of one page of a blob chain. */
  int blobPayload() {
    return pageSize - Blobs.BODY_OFFSET;
  }

  /** The byte offset of page {@code id}. */
  long offset(long id) {
    return id * pageSize;
  }
}
