package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A data file as readers see it: its id, a read-only channel, how much of it is written, and how
 * much of that is stale. Files are named {@code <id, 10 digits>.data}.
 *
 * <p><b>Reads on callers' threads.</b> Gets read with positional reads on a read-only channel from
 * the caller's thread, which saves a hand-off per read. An interrupt of a reader closes that
 * channel ({@link ClosedByInterruptException}); since nothing is ever written through it, nothing
 * is lost: the reader clears its interrupt, reopens the channel, retries, and restores the
 * interrupt. Readers whose read the closing cut short reopen and retry the same way. Writes never
 * happen on a caller's thread.
 *
 * <p><b>Mapped reads.</b> A sealed file is read from one read-only mapping of the whole file. The
 * active file is mapped too, in chunks of {@value #CHUNK_BITS}-bit size ({@link #chunkSize()}),
 * each once the writer has written past its end: a mapping never reaches past the written size
 * (touching a mapping beyond the end of a file raises {@code SIGBUS}), and the active file only
 * grows while it is open. A record in the unmapped tail, or across a chunk boundary, is read with a
 * positional read. Where the file system cannot map files, every read is positional.
 *
 * <p><b>Lifetime.</b> Reference-counted: the store holds one reference while the file is live; a
 * reader, snapshot or history entry that reads it holds another ({@link #acquire()}). When merge
 * retires the file and the last reference goes, its mappings are closed and the file is handed to
 * {@code onLastRelease} for deletion on the engine's own thread. A get that finds its record in a
 * mapping reads it without a reference ({@link #readMappedRecord}): the mappings share one {@link
 * Arena#ofShared() shared arena}, whose close waits for accesses in flight and makes later ones
 * fail, so such a read sees the whole record or learns that the file is gone.
 *
 * <p>Thread-safe.
 */
final class DataFile {

  private static final int REOPEN_ATTEMPTS = 8;

  /**
   * Chunks of the active file are mapped {@code 1 << CHUNK_BITS} bytes (1 MiB) at a time: small
   * enough that the unmapped tail holds few of the keys, large enough that a 1 GiB file takes no
   * more than 1024 mappings.
   */
  static final int CHUNK_BITS = 20;

  private static final MemorySegment[] NO_CHUNKS = new MemorySegment[0];

  private final int id;
  private final Path path;
  private final boolean mergeOutput;
  private final Consumer<DataFile> onLastRelease;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final AtomicLong staleBytes = new AtomicLong();
  private final Object reopenLock = new Object();
  private volatile FileChannel channel;
  private volatile long size;
  private volatile long minSeq = Long.MAX_VALUE;
  private volatile long maxSeq;
  private volatile boolean retired;
  private volatile boolean sealed;
  private final String pathName;
  private final int chunkBits;
  private volatile MemorySegment mapped;
  private volatile MemorySegment[] chunks = NO_CHUNKS; // chunk i maps [i, i + 1) << chunkBits
  private volatile boolean mapFailed;
  private volatile boolean mapRefused; // by the file system, not by a closed channel
  private Arena mapArena; // guarded by reopenLock; holds the mapping and the chunks

  DataFile(int id, Path path, boolean mergeOutput, long size, Consumer<DataFile> onLastRelease) {
    this(id, path, mergeOutput, size, onLastRelease, CHUNK_BITS);
  }

  /** A data file whose active chunks are {@code 1 << chunkBits} bytes; for tests of small ones. */
  DataFile(
      int id,
      Path path,
      boolean mergeOutput,
      long size,
      Consumer<DataFile> onLastRelease,
      int chunkBits) {
    this.chunkBits = chunkBits;
    this.id = id;
    this.path = path;
    this.pathName = path.toString();
    this.mergeOutput = mergeOutput;
    this.size = size;
    this.onLastRelease = onLastRelease;
    this.channel = open();
  }

  static String name(int id) {
    return String.format("%010d.data", id);
  }

  static String hintName(int id) {
    return String.format("%010d.hint", id);
  }

  /** The id in a data or hint file name, or -1 when {@code name} is not one. */
  static int idOf(String name, String suffix) {
    if (name.length() != 10 + suffix.length() || !name.endsWith(suffix)) {
      return -1;
    }
    for (int i = 0; i < 10; i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return -1;
      }
    }
    long id = Long.parseLong(name.substring(0, 10));
    return id < 1 || id > Integer.MAX_VALUE ? -1 : (int) id;
  }

  int id() {
    return id;
  }

  Path path() {
    return path;
  }

  Path hintPath() {
    return path.resolveSibling(hintName(id));
  }

  boolean isMergeOutput() {
    return mergeOutput;
  }

  /** Bytes written and readable, header included. */
  long size() {
    return size;
  }

  void setSize(long size) {
    this.size = size;
  }

  /**
   * Cuts the file's readable size to {@code end}, for recovery cutting a torn tail, and drops every
   * mapping made so far: a mapping past a file's end would fault ({@code SIGBUS}, Java's "unsafe
   * memory access") when touched. Recovery runs alone, so no reader holds a mapping.
   */
  void cutTo(long end) {
    synchronized (reopenLock) {
      mapped = null;
      chunks = NO_CHUNKS;
      if (mapArena != null) {
        mapArena.close();
        mapArena = null;
      }
      size = end;
    }
  }

  long staleBytes() {
    return staleBytes.get();
  }

  void addStale(long bytes) {
    staleBytes.addAndGet(bytes);
  }

  /** The fraction of the file's records that no key needs any more. */
  double staleFraction() {
    long body = size - RecordFormat.FILE_HEADER_SIZE;
    return body <= 0 ? 0 : (double) staleBytes.get() / body;
  }

  long minSeq() {
    return minSeq;
  }

  long maxSeq() {
    return maxSeq;
  }

  /** Widens the file's sequence range to cover {@code seq}. Called by one thread at a time. */
  void noteSeq(long seq) {
    if (seq < minSeq) {
      minSeq = seq;
    }
    if (seq > maxSeq) {
      maxSeq = seq;
    }
  }

  boolean isSealed() {
    return sealed;
  }

  void seal() {
    sealed = true;
  }

  boolean isRetired() {
    return retired;
  }

  /** Takes a reference so the file stays readable; false when it is already gone. */
  boolean acquire() {
    for (; ; ) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a reference; the last one closes the file (and hands a retired one on). */
  void release() {
    if (refs.decrementAndGet() == 0) {
      closeChannel();
      onLastRelease.accept(this);
    }
  }

  /** Marks the file retired by merge and gives up the store's reference. */
  void retire() {
    retired = true;
    release();
  }

  /**
   * Reads the record of {@code recordSize} bytes at {@code offset} and checks its frame and
   * checksum. The caller holds a reference.
   *
   * @throws CorruptionException if the bytes are not one valid record
   * @throws StorageIOException if the file system fails
   */
  RecordBytes readRecord(long offset, int recordSize) {
    byte[] bytes = new byte[recordSize];
    if (!readMapped(offset, bytes)) {
      readChannel(offset, bytes);
    }
    return checked(offset, bytes);
  }

  /**
   * {@link #readRecord} for a caller that holds no reference, from a mapping only: no reference
   * count changes hands, since a mapping cannot vanish under a read (its shared arena's close waits
   * for every access in flight, and later ones fail).
   *
   * @return the record, or null when it lies in no mapping: then acquire the file and call {@link
   *     #readRecord}
   * @throws IllegalStateException if the file's last reference went and unmapped it meanwhile: the
   *     caller looks its entry up again, as after a merge
   * @throws CorruptionException if the bytes are not one valid record
   */
  RecordBytes readMappedRecord(long offset, int recordSize) {
    byte[] bytes = new byte[recordSize];
    return readMapped(offset, bytes) ? checked(offset, bytes) : null;
  }

  private RecordBytes checked(long offset, byte[] bytes) {
    int recordSize = bytes.length;
    RecordBuffers.Frame f;
    try {
      // NB: the place is named only on failure: building it for every read costs more than the
      // checksum.
      f = RecordBuffers.check(bytes, 0, recordSize, "the record");
    } catch (CorruptionException e) {
      throw new CorruptionException(where(offset) + ": " + e.getMessage(), e);
    }
    return new RecordBytes(bytes, f.type(), f.payloadOffset(), f.payloadLength());
  }

  /** The file's path as text, for messages that need no offset. */
  String pathName() {
    return pathName;
  }

  /**
   * A checked record as read.
   *
   * @param bytes the whole record
   * @param type its type
   * @param payloadOffset where its payload starts in {@code bytes}
   * @param payloadLength the payload's length
   */
  record RecordBytes(byte[] bytes, int type, int payloadOffset, int payloadLength) {}

  String where(long offset) {
    return path + " at offset " + offset;
  }

  /** Fills {@code target} from a mapping; false when the bytes lie in none. */
  private boolean readMapped(long offset, byte[] target) {
    MemorySegment m = sealed ? mapping() : null;
    if (m != null) {
      if (offset < 0 || offset > m.byteSize() - target.length) {
        throw new CorruptionException(
            where(offset) + ": the file ends inside a record of " + target.length + " bytes");
      }
      MemorySegment.copy(m, ValueLayout.JAVA_BYTE, offset, target, 0, target.length);
      return true;
    }
    if (offset >= 0) {
      long chunk = offset >>> chunkBits;
      long at = offset & ((1L << chunkBits) - 1);
      if (at + target.length <= 1L << chunkBits) {
        MemorySegment c = chunk(chunk);
        if (c != null) {
          MemorySegment.copy(c, ValueLayout.JAVA_BYTE, at, target, 0, target.length);
          return true;
        }
      }
    }
    return false;
  }

  private void readChannel(long offset, byte[] target) {
    boolean interrupted = false;
    try {
      for (int attempt = 0; ; attempt++) {
        FileChannel ch = channel;
        ByteBuffer b = ByteBuffer.wrap(target);
        try {
          while (b.hasRemaining()) {
            int n = ch.read(b, offset + b.position());
            if (n < 0) {
              throw new CorruptionException(
                  where(offset) + ": the file ends inside a record of " + target.length + " bytes");
            }
          }
          return;
        } catch (ClosedByInterruptException e) {
          interrupted |= Thread.interrupted();
          reopen(ch, attempt, e);
        } catch (AsynchronousCloseException e) {
          reopen(ch, attempt, e);
        } catch (ClosedChannelException e) {
          reopen(ch, attempt, e);
        } catch (IOException e) {
          throw new StorageIOException(where(offset) + ": read failed", e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void reopen(FileChannel closed, int attempt, IOException cause) {
    // NB: a thread that is interrupted again between reopen and read would close the channel
    // again; the attempts bound that, and the interrupt flag was cleared above for this thread.
    if (attempt >= REOPEN_ATTEMPTS || refs.get() <= 0) {
      throw new ClosedHandleException(path + ": the file was closed while being read", cause);
    }
    synchronized (reopenLock) {
      if (channel == closed && refs.get() > 0) {
        channel = open();
      }
    }
  }

  /**
   * The sealed file mapped read-only, mapped on first use; null if the file system cannot map it
   * (reads then use the channel). A sealed file never changes, so the mapping stays exact; it is
   * unmapped with the last reference, when no reader can use it any more.
   */
  private MemorySegment mapping() {
    MemorySegment m = mapped;
    if (m != null || mapFailed) {
      return m;
    }
    if (Thread.currentThread().isInterrupted()) {
      return null; // mapping is interruptible: leave it to a reader that is not interrupted
    }
    synchronized (reopenLock) {
      if (mapped == null && !mapFailed && refs.get() > 0) {
        mapped = map(0, size);
      }
      return mapped;
    }
  }

  /** Whether reads of the file come from a mapping now (of the sealed file, or of a chunk). */
  boolean isMapped() {
    return mapped != null || chunks.length > 0;
  }

  /** Whether the file system refused to map the file (reads are positional). */
  boolean mapRefused() {
    return mapRefused;
  }

  /** Bytes of one mapped chunk of the active file. */
  long chunkSize() {
    return 1L << chunkBits;
  }

  /** How many chunks of the file are mapped, and where the last of them ends; for tests. */
  long[] mappedChunks() {
    long n = 0;
    long end = 0;
    MemorySegment[] cs = chunks;
    for (int i = 0; i < cs.length; i++) {
      if (cs[i] != null) {
        n++;
        end = (i + 1L) << chunkBits;
      }
    }
    return new long[] {n, end};
  }

  /**
   * Chunk {@code index} of the file mapped read-only, mapped on first use once the file is written
   * past its end; null while it is not, or if the file system cannot map it. The file only grows
   * while open (recovery cuts a torn tail before any read), so a mapped chunk stays within it.
   */
  private MemorySegment chunk(long index) {
    MemorySegment[] cs = chunks;
    if (index < cs.length && cs[(int) index] != null) {
      return cs[(int) index];
    }
    long end = (index + 1) << chunkBits;
    if (mapFailed || end > size || index >= Integer.MAX_VALUE) {
      return null;
    }
    if (Thread.currentThread().isInterrupted()) {
      return null; // mapping is interruptible: leave it to a reader that is not interrupted
    }
    synchronized (reopenLock) {
      cs = chunks;
      if (index < cs.length && cs[(int) index] != null) {
        return cs[(int) index];
      }
      if (mapFailed || refs.get() <= 0) {
        return null;
      }
      MemorySegment c = map(index << chunkBits, 1L << chunkBits);
      if (c != null) {
        MemorySegment[] next =
            index < cs.length
                ? cs.clone()
                : Arrays.copyOf(cs, (int) Math.max(index + 1, 2L * cs.length));
        next[(int) index] = c;
        chunks = next;
      }
      return c;
    }
  }

  /**
   * Maps {@code length} bytes from {@code position} read-only into the file's arena, or returns
   * null: for good (setting {@link #mapFailed}) when the file system cannot map, for now when an
   * interrupted reader closed the channel. Caller holds {@link #reopenLock} and checked that the
   * file is still referenced.
   */
  private MemorySegment map(long position, long length) {
    boolean fresh = mapArena == null;
    if (fresh) {
      mapArena = Arena.ofShared();
    }
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, position, length, mapArena);
    } catch (ClosedChannelException e) {
      return null; // an interrupted reader closed the channel: try again next time
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // NB: not every file system maps files; positional reads serve them.
      if (fresh) {
        mapArena.close();
        mapArena = null;
      }
      mapFailed = true;
      mapRefused = true;
      return null;
    }
  }

  /**
   * Maps the sealed file and fills its page table, so that readers take no page fault on it; for
   * the background thread, on a file sealed just now (its pages are in the page cache). Does
   * nothing where the file system cannot map files. The caller holds a reference.
   */
  void prefault() {
    MemorySegment m = sealed ? mapping() : null;
    if (m != null) {
      long actual;
      try {
        actual = channel.size();
      } catch (IOException e) {
        return; // an interrupted reader closed the channel: the pages fault in on use instead
      }
      if (actual < m.byteSize()) {
        // NB: touching the mapping past the file's end would fault; something cut the file.
        throw new CorruptionException(
            path
                + ": the file is "
                + actual
                + " bytes, shorter than the "
                + m.byteSize()
                + " read");
      }
      m.load();
    }
  }

  private FileChannel open() {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ClosedHandleException(path + ": the file is gone", e);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot open for reading", e);
    }
  }

  private void closeChannel() {
    synchronized (reopenLock) {
      mapFailed = true;
      mapped = null;
      chunks = NO_CHUNKS;
      if (mapArena != null) {
        mapArena.close();
        mapArena = null;
      }
      try {
        channel.close();
      } catch (IOException e) {
        // Read-only: closing loses nothing.
      }
    }
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }
}
