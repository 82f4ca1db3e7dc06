package dev.cairn.conformance.fs;

import dev.cairn.conformance.fs.Faults.Op;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A channel on a {@link FaultyFileSystem}: reads and writes go to the real file (the operating
 * system's view) and are recorded in the {@link DiskModel}; {@link #force} makes them durable in
 * the model, without a real fsync, which keeps simulated crash tests fast.
 *
 * <p>A directory opened for reading gives a channel whose {@link #force} makes the directory's
 * entry operations durable. After a {@linkplain FaultyFileSystem#powerCut() power cut} every method
 * but {@link #close()} throws {@link IOException}.
 *
 * <p><b>Mappings.</b> A {@link MapMode#READ_ONLY read-only} mapping, in either form ({@link
 * MappedByteBuffer}, or {@link MemorySegment} in the caller's {@link Arena}), is a real shared
 * mapping of the real file, so it behaves as mappings do on Linux, with nothing simulated:
 *
 * <ul>
 *   <li>it shows what a reader sees, the file as the model's cache holds it: every write made
 *       through any channel, before or after the mapping was made, forced or not;
 *   <li>after a truncation below a mapped page, touching that page raises {@code SIGBUS}, which the
 *       JVM reports as an {@link InternalError} ("a fault occurred in an unsafe memory access");
 *       the rest of the page holding the new end reads as zeros;
 *   <li>a power cut does not reach it: the restored disk state is written to new files, so a
 *       mapping the crashed engine left behind keeps the old file's bytes, and only a mapping made
 *       after the restore shows (and can read) what survived;
 *   <li>injected faults apply to the {@code map} call (a {@link Faults.Op#MAP MAP}), not to reads
 *       through the mapping: failing every {@code MAP} makes a file system that cannot map.
 * </ul>
 *
 * <p>A mapping that reaches past the end of the file extends it, as {@link FileChannel#map} does
 * for a writable channel, and the model records the new length (a {@link Faults.Op#TRUNCATE
 * TRUNCATE}). {@link MapMode#READ_WRITE} and {@link MapMode#PRIVATE} mappings are refused with
 * {@link UnsupportedOperationException}: writes through them would bypass the model.
 *
 * <p>Thread-safe as {@link FileChannel} is: writes and forces serialize on the file system's lock.
 */
final class FaultyFileChannel extends FileChannel {

  private final FaultyFileSystem fs;
  private final Path real;
  private final FileChannel delegate;
  private final DiskModel.Inode inode;
  private final boolean directory;
  private final boolean append;
  private final boolean writable;
  private volatile boolean dead;

  FaultyFileChannel(
      FaultyFileSystem fs,
      Path real,
      FileChannel delegate,
      DiskModel.Inode inode,
      boolean directory,
      boolean append,
      boolean writable) {
    this.fs = fs;
    this.real = real;
    this.delegate = delegate;
    this.inode = inode;
    this.directory = directory;
    this.append = append;
    this.writable = writable;
  }

  /** The power went: close the real channel (releasing its locks) and refuse all further use. */
  void kill() {
    dead = true;
    try {
      delegate.close();
    } catch (IOException ignored) {
      // the process "died"; nothing to report
    }
  }

  private void alive() throws IOException {
    if (dead) {
      throw new IOException("channel on " + real + " invalidated by a simulated power cut");
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    alive();
    fs.faults().check(Op.READ, real);
    return delegate.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    alive();
    fs.faults().check(Op.READ, real);
    return delegate.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    alive();
    fs.faults().check(Op.READ, real);
    return delegate.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    synchronized (fs.lock) {
      alive();
      long at = append ? delegate.size() : delegate.position();
      int n = writeAt(src, at);
      delegate.position(at + n);
      return n;
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += write(srcs[i]);
    }
    return total;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
    synchronized (fs.lock) {
      alive();
      return writeAt(src, position);
    }
  }

  private int writeAt(ByteBuffer src, long position) throws IOException {
    int n = src.remaining();
    fs.faults().check(Op.WRITE, real, n);
    byte[] data = new byte[n];
    src.get(data);
    ByteBuffer copy = ByteBuffer.wrap(data);
    long at = position;
    while (copy.hasRemaining()) {
      at += delegate.write(copy, at);
    }
    if (inode != null) {
      fs.model().wrote(inode, position, data);
    }
    return n;
  }

  @Override
  public long position() throws IOException {
    alive();
    return delegate.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    alive();
    delegate.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    alive();
    return delegate.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    synchronized (fs.lock) {
      alive();
      fs.faults().check(Op.TRUNCATE, real);
      boolean shrinks = size < delegate.size();
      delegate.truncate(size);
      if (shrinks && inode != null) {
        fs.model().truncated(inode, size);
      }
      return this;
    }
  }

  @Override
  public void force(boolean metaData) throws IOException {
    synchronized (fs.lock) {
      alive();
      try {
        fs.faults().check(Op.FORCE, real);
      } catch (IOException e) {
        if (!fs.faults().poweredOff()) {
          if (directory) {
            fs.model().dirForceFailed(real);
          } else if (inode != null) {
            fs.model().forceFailed(inode);
          }
        }
        throw e;
      }
      fs.countForce(directory);
      if (directory) {
        fs.model().dirForced(real);
      } else if (inode != null) {
        fs.model().forced(inode);
      }
    }
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = read(buf, position + done);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        target.write(buf);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = src.read(buf);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        done += write(buf, position + done);
      }
    }
    return done;
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return mapped(mode, position, size, () -> delegate.map(mode, position, size));
  }

  @Override
  public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
    return mapped(mode, offset, size, () -> delegate.map(mode, offset, size, arena));
  }

  /** How the real channel maps a region, in one of its two forms. */
  @FunctionalInterface
  private interface Mapper<T> {
    T map() throws IOException;
  }

  private <T> T mapped(MapMode mode, long position, long size, Mapper<T> mapper)
      throws IOException {
    if (mode != MapMode.READ_ONLY) {
      throw new UnsupportedOperationException(
          "the fault-injecting file system maps files read-only only: it cannot track writes"
              + " through a "
              + mode
              + " mapping of "
              + real);
    }
    if (position < 0 || size < 0 || position + size < 0) {
      // NB: before any fault check, as FileChannel checks its arguments first.
      return mapper.map();
    }
    synchronized (fs.lock) {
      alive();
      fs.faults().check(Op.MAP, real);
      long before = delegate.size();
      boolean grows = writable && position + size > before;
      if (grows) {
        fs.faults().check(Op.TRUNCATE, real);
      }
      T m = mapper.map();
      if (grows && inode != null) {
        fs.model().truncated(inode, position + size);
      }
      fs.countMapping();
      return m;
    }
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    alive();
    return new Lock(this, delegate.lock(position, size, shared));
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    alive();
    FileLock l = delegate.tryLock(position, size, shared);
    return l == null ? null : new Lock(this, l);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    fs.handles().closed(this);
    delegate.close();
  }

  @Override
  public String toString() {
    return "FaultyFileChannel[" + real + (dead ? ", invalidated" : "") + "]";
  }

  /** A lock whose channel is the faulty one, as callers expect. */
  private static final class Lock extends FileLock {
    private final FileLock delegate;

    Lock(FaultyFileChannel channel, FileLock delegate) {
      super(channel, delegate.position(), delegate.size(), delegate.isShared());
      this.delegate = delegate;
    }

    @Override
    public boolean isValid() {
      return delegate.isValid();
    }

    @Override
    public void release() throws IOException {
      delegate.release();
    }
  }
}
