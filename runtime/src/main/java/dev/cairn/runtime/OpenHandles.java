package dev.cairn.runtime;

import dev.cairn.spi.ClosedHandleException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cursors and snapshots still open on a store, or the cursors still open on a snapshot, so that
 * closing the owner closes them.
 *
 * <p>Holds {@link TrackedHandle}s, never the wrappers users hold, so that it does not keep a
 * forgotten wrapper reachable and hide its leak. Thread-safe.
 */
final class OpenHandles {

  private final Set<TrackedHandle> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Adds a handle just opened.
   *
   * @throws ClosedHandleException if the owner closed meanwhile; the handle is then closed too
   */
  void add(TrackedHandle handle, String owner) {
    open.add(handle);
    if (closed) { // NB: checked after adding, so a concurrent closeAll() cannot miss the handle
      handle.closeQuietly();
      throw new ClosedHandleException(owner + " is closed");
    }
  }

  void remove(TrackedHandle handle) {
    open.remove(handle);
  }

  /** Closes every handle, without reporting leaks; later {@link #add}s fail. */
  void closeAll() {
    closed = true;
    for (TrackedHandle h : open) {
      h.closeQuietly();
    }
  }

  /**
   * Closes every handle as leaked, reporting each: called when the owner's wrapper was found
   * unreachable, which every handle opened on it keeps reachable, so theirs were too (their own
   * reports could otherwise be lost to the order in which the cleaner runs); later {@link #add}s
   * fail.
   */
  void leakAll() {
    closed = true;
    for (TrackedHandle h : open) {
      h.run();
    }
  }

  boolean isClosed() {
    return closed;
  }

  int size() {
    return open.size();
  }
}
