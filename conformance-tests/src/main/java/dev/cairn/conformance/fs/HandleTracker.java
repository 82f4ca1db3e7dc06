package dev.cairn.conformance.fs;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The channels and directory streams open on a file system, each with the stack of where it was
 * opened, and a limit on how many may be open at once (Lucene's LeakFS and HandleLimitFS).
 *
 * <p>Thread-safe.
 */
final class HandleTracker {

  /** Where a handle was opened: its stack is the opening call's. */
  static final class OpenedAt extends Throwable {
    private static final long serialVersionUID = 1L;

    OpenedAt(String what) {
      super(what + " opened here");
    }
  }

  private final Map<Object, OpenedAt> open = new IdentityHashMap<>();
  private int limit = Integer.MAX_VALUE;
  private int peak;

  synchronized void limit(int limit) {
    this.limit = limit;
  }

  synchronized void checkLimit(Path path) throws FileSystemException {
    if (open.size() >= limit) {
      throw new FileSystemException(
          path.toString(), null, "Too many open files (limit " + limit + ")");
    }
  }

  synchronized void opened(Object handle, String what, Path path) throws FileSystemException {
    checkLimit(path);
    open.put(handle, new OpenedAt(what + " on " + path));
    peak = Math.max(peak, open.size());
  }

  synchronized void closed(Object handle) {
    open.remove(handle);
  }

  synchronized List<Object> handles() {
    return new ArrayList<>(open.keySet());
  }

  synchronized List<OpenedAt> leaks() {
    return new ArrayList<>(open.values());
  }

  synchronized int count() {
    return open.size();
  }

  synchronized int peak() {
    return peak;
  }
}
