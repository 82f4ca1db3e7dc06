package dev.cairn.engine.rocksdb;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BackgroundErrorReason;
import org.rocksdb.CompactionJobInfo;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Hears the errors of RocksDB's own background work (a memtable written to a table file, a
 * compaction, a WAL write on behalf of a group) and decides what each means for the store: a
 * fail-stop, or a degraded store that goes on.
 *
 * <p>Why: such an error reaches no caller by itself. RocksDB sets it aside and refuses later writes
 * with it, but a WAL sync ({@code flush()}) succeeds all the same, and after some errors RocksDB
 * resumes by itself.
 *
 * <ul>
 *   <li>A failed <b>flush</b>, <b>WAL write</b> or <b>memtable</b> insert stops the store until it
 *       is reopened, as a failed fsync does: a table file holding acknowledged writes could not be
 *       written, and a flush must not go on reporting success. From Java the adapter cannot tell
 *       whether RocksDB would have retried the error, so it does not wait to find out.
 *   <li>A failed <b>compaction</b> loses nothing: its inputs stay in place, every acknowledged
 *       write with them. The store is {@linkplain #outstanding() degraded} (space and read
 *       amplification grow) until a compaction succeeds again. If RocksDB itself stops taking
 *       writes for the error, the first write it refuses fail-stops the store ({@link
 *       Writer#failed}). A compaction that found corrupt data fail-stops at once.
 * </ul>
 *
 * <p>RocksDB calls {@link #onBackgroundError} on its own thread before it records the error, so any
 * call that sees RocksDB refuse a write also sees the store stopped. Two callbacks are enabled:
 * this one, and {@link #onCompactionCompleted}, one call into Java per compaction, which clears the
 * degraded state.
 */
final class BackgroundErrors extends AbstractEventListener {

  /** How many problems are kept for {@link dev.cairn.spi.Health#problems()}. */
  static final int KEPT = 5;

  private final Path directory;
  private final FailStop failStop;
  private final AtomicLong heard = new AtomicLong();
  private final Deque<String> recent = new ArrayDeque<>(); // guarded by itself
  private volatile String outstanding;

  BackgroundErrors(Path directory, FailStop failStop) {
    super(EnabledEventCallback.ON_BACKGROUND_ERROR, EnabledEventCallback.ON_COMPACTION_COMPLETED);
    this.directory = directory;
    this.failStop = failStop;
  }

  @Override
  public void onBackgroundError(BackgroundErrorReason reason, Status status) {
    // NB: runs on a RocksDB thread inside native code; it records and returns, nothing more.
    String what = "background " + String.valueOf(reason).toLowerCase(Locale.ROOT);
    String text = what + " failed in " + directory + ": " + message(status);
    heard.incrementAndGet();
    synchronized (recent) {
      recent.addLast(text);
      while (recent.size() > KEPT) {
        recent.removeFirst();
      }
    }
    boolean corrupt = status != null && status.getCode() == Status.Code.Corruption;
    if (reason == BackgroundErrorReason.COMPACTION && !corrupt) {
      outstanding = text;
    } else {
      failStop.fail(
          RocksErrors.map(
              what + " failed in " + directory, new RocksDBException(message(status), status)));
    }
  }

  @Override
  public void onCompactionCompleted(RocksDB db, CompactionJobInfo info) {
    // NB: runs inside native code, so nothing may escape. Only a pending error needs the status,
    // and RocksJava cannot decode every status code (CompactionTooLarge, 14, throws
    // IllegalArgumentException): such a compaction did not succeed, so the error stays pending.
    if (outstanding == null) {
      return;
    }
    Status status;
    try {
      status = info.status();
    } catch (RuntimeException undecodable) {
      return;
    }
    if (status == null || status.getCode() == Status.Code.Ok) {
      outstanding = null;
    }
  }

  /** How many background errors RocksDB reported to this listener since the store opened. */
  long heard() {
    return heard.get();
  }

  /** The text of a compaction error not yet followed by a successful compaction, or null. */
  String outstanding() {
    return outstanding;
  }

  /** The last few errors heard, oldest first. */
  List<String> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  private static String message(Status status) {
    if (status == null) {
      return "(no status)";
    }
    String state = status.getState();
    return status.getCodeString() + (state == null || state.isEmpty() ? "" : ": " + state);
  }
}
