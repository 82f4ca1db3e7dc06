package dev.cairn.engine.rocksdb;

import java.nio.file.Path;
import java.util.Locale;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BackgroundErrorReason;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Hears the errors of RocksDB's own background work (a memtable written to a table file, a
 * compaction, a WAL write on behalf of a group) and fail-stops the store for them.
 *
 * <p>Why: such an error reaches no caller by itself. RocksDB sets it aside and refuses later writes
 * with it, but a WAL sync ({@code flush()}) succeeds all the same, and after some errors RocksDB
 * resumes by itself. A store whose table file failed to be written must not go on reporting
 * success, so the first background error stops it until it is reopened, as a failed fsync does.
 *
 * <p>RocksDB calls {@link #onBackgroundError} on its own thread before it records the error, so any
 * call that sees RocksDB refuse a write also sees the store stopped. Only this one callback is
 * enabled: the others cost a call into Java for every flush and compaction.
 */
final class BackgroundErrors extends AbstractEventListener {

  private final Path directory;
  private final FailStop failStop;

  BackgroundErrors(Path directory, FailStop failStop) {
    super(EnabledEventCallback.ON_BACKGROUND_ERROR);
    this.directory = directory;
    this.failStop = failStop;
  }

  @Override
  public void onBackgroundError(BackgroundErrorReason reason, Status status) {
    // NB: runs on a RocksDB thread inside native code; it records and returns, nothing more.
    String what = "background " + String.valueOf(reason).toLowerCase(Locale.ROOT);
    failStop.fail(
        RocksErrors.map(
            what + " failed in " + directory, new RocksDBException(message(status), status)));
  }

  private static String message(Status status) {
    if (status == null) {
      return "(no status)";
    }
    String state = status.getState();
    return status.getCodeString() + (state == null || state.isEmpty() ? "" : ": " + state);
  }
}
