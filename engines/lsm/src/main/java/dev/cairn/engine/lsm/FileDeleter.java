package dev.cairn.engine.lsm;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Files the store no longer needs (tables compacted away once no reader holds them, logs whose
 * writes a table holds, replaced manifests), queued by whoever learns it and deleted by the flush
 * thread: a delete never runs on a caller's thread (decision 0012).
 *
 * <p>A deletion needs no directory sync: a file a crash brings back is one the manifest does not
 * name, which the next open deletes.
 *
 * <p>Thread-safe.
 */
final class FileDeleter {

  private final ConcurrentLinkedQueue<Path> queue = new ConcurrentLinkedQueue<>();
  private final Statistics statistics;
  private volatile Runnable onQueued = () -> {};

  FileDeleter(Statistics statistics) {
    this.statistics = statistics;
  }

  /** Wakes {@code r}'s thread whenever a file is queued. */
  void onQueued(Runnable r) {
    onQueued = r;
  }

  void queue(Path file) {
    queue.add(file);
    onQueued.run();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Deletes every queued file; on an engine thread. */
  void deleteQueued() {
    Path p;
    while ((p = queue.poll()) != null) {
      if (VersionSet.delete(p)) {
        statistics.filesDeleted.increment();
      }
    }
  }
}
