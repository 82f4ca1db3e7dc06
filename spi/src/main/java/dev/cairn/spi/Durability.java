package dev.cairn.spi;

/**
 * When a write is acknowledged, and so what survives a crash.
 *
 * <p>Whatever the level, after any crash a {@linkplain Capability#DURABLE durable} store reopens to
 * a state that is a <em>prefix</em> of the acknowledged history: every write acknowledged under
 * {@link #SYNC}, and before it every write acknowledged earlier; no holes, no reordering, no
 * resurrected deletes, and an atomic batch entirely or not at all.
 */
public enum Durability {
  /**
   * Acknowledged after the write and everything acknowledged before it are on stable storage
   * (fsync). Survives power loss. Concurrent {@code SYNC} writers may share one fsync (group
   * commit).
   */
  SYNC,
  /**
   * Acknowledged after the operating system has the bytes (the write system call returned).
   * Survives a crash of the process, not a power loss or kernel crash; a later {@code SYNC} write
   * or {@link StorageEngine#flush()} makes it durable.
   */
  BUFFERED
}
