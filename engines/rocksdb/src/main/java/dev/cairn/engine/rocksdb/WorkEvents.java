package dev.cairn.engine.rocksdb;

import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.RequestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.CompactionJobInfo;
import org.rocksdb.CompactionJobStats;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.MemTableInfo;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteStallCondition;
import org.rocksdb.WriteStallInfo;

/**
 * Turns RocksDB's own background work into the store's {@link EngineEvent}s: each flush ({@link
 * EngineEvent.Kind#FLUSH}: bytes of the table file written), each compaction ({@link
 * EngineEvent.Kind#COMPACTION}: bytes of the files written) and each write stall, from the moment
 * writes were delayed or stopped until they run freely again ({@link EngineEvent.Kind#STALL}).
 *
 * <p><b>Which request.</b> RocksDB seals a full memtable on the thread of the write that finds it
 * full (the leader of its write group) and calls {@link #onMemTableSealed} there, so the caller's
 * {@link RequestContext} is current: it is kept with the memtable's first sequence number, and the
 * flush that writes that memtable out reports its event with that request's context bound on
 * RocksDB's flush thread. A compaction names the request of the last flush completed before it
 * began (the flush that made it due, as a rule); a stall, the request current where its condition
 * began, if any.
 *
 * <p><b>Durations.</b> RocksJava's {@code FlushJobInfo} carries no duration, and the {@code
 * CompactionJobStats} of the {@code CompactionJobInfo} it gives a listener read zero (elapsed time,
 * bytes: RocksJava 10.10), so both are timed here from their begin callback to their completion
 * (job ids are unique in a database), and a compaction's bytes are the sizes of its output files
 * (RocksDB's statistics are used when they are not zero).
 *
 * <p><b>Native callbacks.</b> Every method here runs inside native code, on RocksDB's threads or a
 * writer's: each catches whatever it might throw (the listener's faults are contained by {@link
 * EngineEventListener#deliver}, and its own bookkeeping is guarded too), so nothing ever unwinds
 * into RocksDB. Registered only when the store has a listener.
 */
final class WorkEvents extends AbstractEventListener {

  /** How many sealed memtables a column family keeps a request for, waiting for their flush. */
  private static final int KEPT_SEALS = 64;

  private record Sealed(long firstSeqno, RequestContext cause) {}

  private record Begun(long startNanos, RequestContext cause) {}

  private record Stall(long startNanos, WriteStallCondition worst, RequestContext cause) {}

  private final EngineEventListener listener;
  private final Map<String, Deque<Sealed>> sealed = new ConcurrentHashMap<>();
  private final Map<Integer, Long> flushStarts = new ConcurrentHashMap<>();
  private final Map<Integer, Begun> compactions = new ConcurrentHashMap<>();
  private final Map<String, Stall> stalls = new ConcurrentHashMap<>();
  private volatile RequestContext lastFlushCause;

  /** Where the store lives: file names RocksDB reports are resolved on its file system. */
  private final FileSystem fileSystem;

  WorkEvents(EngineEventListener listener, Path directory) {
    this.fileSystem = directory.getFileSystem();
    super(
        EnabledEventCallback.ON_MEMTABLE_SEALED,
        EnabledEventCallback.ON_FLUSH_BEGIN,
        EnabledEventCallback.ON_FLUSH_COMPLETED,
        EnabledEventCallback.ON_COMPACTION_BEGIN,
        EnabledEventCallback.ON_COMPACTION_COMPLETED,
        EnabledEventCallback.ON_STALL_CONDITIONS_CHANGED);
    this.listener = listener;
  }

  @Override
  public void onMemTableSealed(MemTableInfo info) {
    try {
      RequestContext cause = RequestContext.currentOrNull();
      Deque<Sealed> q = sealed.computeIfAbsent(info.getColumnFamilyName(), n -> new ArrayDeque<>());
      synchronized (q) {
        q.addLast(new Sealed(info.getFirstSeqno(), cause));
        while (q.size() > KEPT_SEALS) {
          q.removeFirst();
        }
      }
    } catch (RuntimeException | Error e) {
      // Nothing may unwind into RocksDB; the flush's event then names no request.
    }
  }

  @Override
  public void onFlushBegin(RocksDB db, FlushJobInfo info) {
    try {
      flushStarts.put(info.getJobId(), System.nanoTime());
    } catch (RuntimeException | Error e) {
      // Nothing may unwind into RocksDB; the flush's event then has no duration.
    }
  }

  @Override
  public void onFlushCompleted(RocksDB db, FlushJobInfo info) {
    try {
      Long start = flushStarts.remove(info.getJobId());
      long nanos = start == null ? 0 : System.nanoTime() - start;
      RequestContext cause = causeOfFlush(info.getColumnFamilyName(), info.getLargestSeqno());
      if (cause != null) {
        lastFlushCause = cause;
      }
      String file = info.getFilePath();
      long bytes = sizeOf(file);
      String detail =
          "flush of keyspace '"
              + info.getColumnFamilyName()
              + "' to "
              + fileSystem.getPath(file).getFileName()
              + " ("
              + String.valueOf(info.getFlushReason()).toLowerCase(Locale.ROOT)
              + (info.isTriggeredWritesStop()
                  ? ", writes stopped"
                  : info.isTriggeredWritesSlowdown() ? ", writes slowed" : "")
              + ")";
      deliver(cause, EngineEvent.Kind.FLUSH, nanos, bytes, detail);
    } catch (RuntimeException | Error e) {
      // Nothing may unwind into RocksDB.
    }
  }

  /** The request whose write sealed the oldest memtable this flush wrote out, if one is known. */
  private RequestContext causeOfFlush(String family, long largestSeqno) {
    Deque<Sealed> q = sealed.get(family);
    if (q == null) {
      return null;
    }
    RequestContext cause = null;
    synchronized (q) {
      // NB: memtables are flushed in the order they were sealed; those starting at or before the
      // flush's largest sequence number are the ones it wrote.
      while (!q.isEmpty() && q.peekFirst().firstSeqno() <= largestSeqno) {
        Sealed s = q.removeFirst();
        if (cause == null) {
          cause = s.cause();
        }
      }
    }
    return cause;
  }

  @Override
  public void onCompactionBegin(RocksDB db, CompactionJobInfo info) {
    try {
      compactions.put(info.jobId(), new Begun(System.nanoTime(), lastFlushCause));
    } catch (RuntimeException | Error e) {
      // Nothing may unwind into RocksDB.
    }
  }

  @Override
  public void onCompactionCompleted(RocksDB db, CompactionJobInfo info) {
    try {
      Begun begun = compactions.remove(info.jobId());
      RequestContext cause = begun == null ? null : begun.cause();
      long nanos = begun == null ? 0 : System.nanoTime() - begun.startNanos();
      long bytes;
      try (CompactionJobStats stats = info.stats()) {
        nanos = Math.max(nanos, stats.elapsedMicros() * 1000);
        bytes = stats.totalOutputBytes();
      }
      if (bytes <= 0) {
        bytes = 0;
        for (String out : info.outputFiles()) {
          bytes += Math.max(0, sizeOf(out));
        }
      }
      String status;
      try {
        status = info.status() == null ? "OK" : info.status().getCodeString();
      } catch (RuntimeException undecodable) {
        status = "unknown status"; // RocksJava cannot decode every status code
      }
      String detail =
          "compaction of keyspace '"
              + new String(info.columnFamilyName(), StandardCharsets.UTF_8)
              + "', level "
              + info.baseInputLevel()
              + " to "
              + info.outputLevel()
              + " ("
              + info.inputFiles().size()
              + " files in, "
              + info.outputFiles().size()
              + " out, "
              + String.valueOf(info.compactionReason()).toLowerCase(Locale.ROOT)
              + "): "
              + status;
      deliver(cause, EngineEvent.Kind.COMPACTION, nanos, bytes, detail);
    } catch (RuntimeException | Error e) {
      // Nothing may unwind into RocksDB.
    }
  }

  @Override
  public void onStallConditionsChanged(WriteStallInfo info) {
    try {
      String family = info.getColumnFamilyName();
      WriteStallCondition now = info.getCurrentCondition();
      if (now != WriteStallCondition.NORMAL) {
        stalls.merge(
            family,
            new Stall(System.nanoTime(), now, RequestContext.currentOrNull()),
            (old, fresh) -> now == WriteStallCondition.STOPPED ? withWorst(old, now) : old);
        return;
      }
      Stall s = stalls.remove(family);
      if (s != null) {
        deliver(
            s.cause(),
            EngineEvent.Kind.STALL,
            System.nanoTime() - s.startNanos(),
            -1,
            "writes to keyspace '"
                + family
                + "' "
                + (s.worst() == WriteStallCondition.STOPPED ? "stopped" : "delayed")
                + " until background work caught up");
      }
    } catch (RuntimeException | Error e) {
      // Nothing may unwind into RocksDB.
    }
  }

  private static Stall withWorst(Stall s, WriteStallCondition worst) {
    return new Stall(s.startNanos(), worst, s.cause());
  }

  private void deliver(
      RequestContext cause, EngineEvent.Kind kind, long nanos, long bytes, String detail) {
    Runnable report = () -> listener.deliver(EngineEvent.of(kind, nanos, bytes, detail));
    if (cause == null || cause == RequestContext.currentOrNull()) {
      report.run();
    } else {
      cause.run(report);
    }
  }

  private long sizeOf(String file) {
    try {
      return Files.size(fileSystem.getPath(file));
    } catch (IOException | RuntimeException e) {
      return -1; // compacted away already: its size is unknown
    }
  }
}
