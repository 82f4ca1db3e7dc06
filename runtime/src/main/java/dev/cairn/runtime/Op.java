package dev.cairn.runtime;

/**
 * The operations the boundary names in its meters, as the {@code op} tag.
 *
 * <p>Timed operations have a {@code cairn.operation} timer; the others appear only in {@code
 * cairn.errors} and {@code cairn.contract.violations}. A cursor's steps and seeks are timed by
 * sampling (see {@link Meters}). The tag values never change meaning: dashboards depend on them.
 * Reads and writes of a keyspace other than the default carry the same tags as the store's ({@code
 * get}, {@code put}, {@code cursor.open}, ...): a keyspace is a part of the store, not another
 * operation.
 */
enum Op {
  GET("get", true),
  PUT("put", true),
  DELETE("delete", true),
  WRITE("write", true),
  CURSOR_OPEN("cursor.open", true),
  CURSOR_NEXT("cursor.next", true),
  CURSOR_SEEK("cursor.seek", true),
  SNAPSHOT("snapshot", true),
  FLUSH("flush", true),
  CHECKPOINT("checkpoint", true),
  /** Giving a store's free space back to the file system (SPI 1.2). */
  COMPACT("compact", true),
  STATISTICS("statistics", true),
  CHECK("check", true),
  CLOSE("close", true),
  /** {@code multiGet} on a store, snapshot or keyspace (SPI 1.1). */
  MULTI_GET("multiget", true),
  APPROXIMATE_COUNT("approximate.count", true),
  APPROXIMATE_SIZE("approximate.size", true),
  /** Listing a store's keyspaces. */
  KEYSPACES("keyspaces", true),
  /** Opening a handle on an existing keyspace, of a store or of a snapshot. */
  KEYSPACE("keyspace", true),
  KEYSPACE_CREATE("keyspace.create", true),
  KEYSPACE_DROP("keyspace.drop", true),
  HEALTH("health", true),
  /** Opening the store: the provider's {@code open} and the engine's first answers. */
  OPEN("open", false),
  /** Reading the current entry of a cursor: key, value and their views. */
  CURSOR_READ("cursor.read", false),
  CURSOR_CLOSE("cursor.close", false),
  SNAPSHOT_CLOSE("snapshot.close", false);

  private final String tag;
  private final boolean timed;

  Op(String tag, boolean timed) {
    this.tag = tag;
    this.timed = timed;
  }

  String tag() {
    return tag;
  }

  boolean timed() {
    return timed;
  }

  @Override
  public String toString() {
    return tag;
  }
}
