package dev.cairn.runtime;

/**
 * The operations the boundary names in its meters, as the {@code op} tag.
 *
 * <p>Timed operations have a {@code cairn.operation} timer; the others appear only in {@code
 * cairn.errors} and {@code cairn.contract.violations}. A cursor's steps and seeks are timed by
 * sampling (see {@link Meters}). The tag values never change meaning: dashboards depend on them.
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
  STATISTICS("statistics", true),
  CHECK("check", true),
  CLOSE("close", true),
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
