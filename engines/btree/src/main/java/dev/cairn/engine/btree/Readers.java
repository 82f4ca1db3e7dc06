package dev.cairn.engine.btree;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The registry of readers: every get, cursor and snapshot registers the state it reads, without a
 * lock, and the writer asks for the oldest state still read before it reuses freed pages.
 *
 * <p><b>Why it is safe.</b> A reader reads {@link #current}, counts itself on that version, then
 * checks that it is still current; if not, it uncounts and retries. So a reader the writer's scan
 * ({@link #oldestReadTxid()}) misses registered after the scan and re-read {@code current} after
 * registering: it reads the state that was current at the scan or a later one, whose pages the
 * writer does not free before its next scan. (LMDB's reader table, with a counter per state.)
 *
 * <p>Thread-safe: {@link #acquire()} and {@link #release} from any thread; {@link #publish} and
 * {@link #oldestReadTxid()} from the writer.
 */
final class Readers {

  private volatile Version current;

  /** States replaced by later commits that may still have readers; the writer's. */
  private final ArrayDeque<Version> retired = new ArrayDeque<>();

  Readers(Version initial) {
    this.current = initial;
  }

  Version current() {
    return current;
  }

  /** Registers a reader on the current state and returns it; release it with {@link #release}. */
  Version acquire() {
    while (true) {
      Version v = current;
      v.readers.incrementAndGet();
      if (current == v) {
        return v;
      }
      v.readers.decrementAndGet();
    }
  }

  void release(Version v) {
    v.readers.decrementAndGet();
  }

  /** Makes {@code next} the state new readers see. Writer only. */
  void publish(Version next) {
    Version old = current;
    current = next;
    // NB: a reader counts itself, then checks that its state is still current: one that counted
    // itself on the old state after this look sees the new one and gives the old one up. So a
    // state nobody reads now is never read again and need not be kept (one published per BUFFERED
    // write would otherwise pile up until the next commit).
    if (old.readers.get() > 0) {
      synchronized (retired) {
        retired.addLast(old);
      }
    }
  }

  /**
   * The txid of the oldest state a reader holds, or {@code Long.MAX_VALUE} when only the current
   * state may be read. Forgets retired states nobody reads. Writer only.
   */
  long oldestReadTxid() {
    long oldest = Long.MAX_VALUE;
    synchronized (retired) {
      Iterator<Version> it = retired.iterator();
      while (it.hasNext()) {
        Version v = it.next();
        if (v.readers.get() == 0) {
          it.remove();
        } else {
          oldest = Math.min(oldest, v.txid());
        }
      }
    }
    return oldest;
  }

  /** The states retired but still read, for statistics. */
  int retiredInUse() {
    synchronized (retired) {
      int n = 0;
      for (Version v : retired) {
        if (v.readers.get() > 0) {
          n++;
        }
      }
      return n;
    }
  }
}
