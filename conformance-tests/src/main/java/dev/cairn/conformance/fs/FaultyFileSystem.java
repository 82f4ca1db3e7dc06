package dev.cairn.conformance.fs;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A file system that loses what was not forced when the power goes, and fails operations on demand:
 * the ground on which the conformance suite tests what survives a crash.
 *
 * <p>It wraps a real directory of the default file system (the <em>real root</em>): every write
 * lands there at once, as in the operating system's page cache, and a model of the disk beneath
 * records what {@code force} made durable. Hand an engine a path beneath {@link #root()}; the
 * engine's {@code Files} and {@code FileChannel} calls then go through this file system. Then:
 *
 * <ul>
 *   <li>{@link #powerCut()} freezes the instant of a power failure (every open channel becomes
 *       unusable) and gives the states the disk may be left in; {@link #crash(long)} does that and
 *       restores one state drawn from a seed;
 *   <li>{@link #faults()} fails chosen operations, fills the disk, or cuts the power after a number
 *       of writes;
 *   <li>{@link #assertNoOpenHandles()} fails with where a leaked channel was opened; {@link
 *       #handleLimit(int)} caps open handles.
 * </ul>
 *
 * <p>Forces are simulated: no real fsync is issued, so thousands of crashes run in seconds.
 * Read-only memory mappings are real mappings of the real files, so an engine's mapped reads run as
 * they do in production (they see every write at once; a page past a truncated end faults with
 * {@link InternalError}); a power cut restores the disk state into new files, which only new
 * mappings show. Writable mappings are not supported (they fail with {@link
 * UnsupportedOperationException}).
 *
 * <p>Thread-safe: engines may use it from any number of threads. <b>Must be closed</b>; closing a
 * file system made by {@link #createTemp()} deletes its real root.
 */
public final class FaultyFileSystem extends FileSystem {

  final Object lock = new Object();
  private final Path realRoot;
  private final boolean deleteOnClose;
  private final FaultyFileSystemProvider provider;
  private final Faults faults = new Faults();
  private final HandleTracker handles = new HandleTracker();
  private DiskModel model;
  private boolean down;
  private boolean open = true;
  private long powerCuts;
  private long directoryForces;
  private long mappings;

  private FaultyFileSystem(Path realRoot, boolean deleteOnClose) throws IOException {
    this.realRoot = realRoot.toAbsolutePath().normalize();
    this.deleteOnClose = deleteOnClose;
    this.provider = new FaultyFileSystemProvider(this);
    Files.createDirectories(this.realRoot);
    this.model = DiskModel.scan(this.realRoot);
  }

  /**
   * A fault-injecting file system over {@code realRoot} (a directory of the default file system,
   * created if missing); what it holds now counts as durable.
   *
   * @throws UncheckedIOException if the directory cannot be created or read
   */
  public static FaultyFileSystem create(Path realRoot) {
    try {
      return new FaultyFileSystem(realRoot, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a fault-injecting file system on " + realRoot, e);
    }
  }

  /**
   * A fault-injecting file system over a new temporary directory, deleted on {@link #close()}.
   *
   * @throws UncheckedIOException if the directory cannot be created
   */
  public static FaultyFileSystem createTemp() {
    try {
      return new FaultyFileSystem(Files.createTempDirectory(tempParent(), "cairn-faulty-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }

  /**
   * Where temporary file systems live: {@code -Dcairn.crash.tmpdir} if set, else {@code /dev/shm}
   * where it exists (memory, so thousands of trials cost no disk I/O), else {@code java.io.tmpdir}.
   */
  static Path tempParent() {
    String configured = System.getProperty("cairn.crash.tmpdir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** The root directory, as a path on this file system. */
  public Path root() {
    return wrap(realRoot);
  }

  /** The real directory behind {@link #root()}, on the default file system. */
  public Path realRoot() {
    return realRoot;
  }

  /** The faults this file system injects, and its operation counts. */
  public Faults faults() {
    return faults;
  }

  /**
   * Cuts the power: every open channel and directory stream becomes unusable (its real handle is
   * closed, releasing its locks; closing it is still allowed), and every operation fails until
   * {@link PowerCut#restore} or {@link #restore} brings a disk state back.
   *
   * @return the frozen state, from which crash states are drawn
   * @throws IllegalStateException if the power is already cut
   */
  public PowerCut powerCut() {
    synchronized (lock) {
      if (down) {
        throw new IllegalStateException("the power is already cut; restore a state first");
      }
      killHandles();
      PowerCut cut = new PowerCut(this, model, DiskImage.read(realRoot));
      model = null;
      down = true;
      powerCuts++;
      return cut;
    }
  }

  private void killHandles() {
    for (Object h : handles.handles()) {
      if (h instanceof FaultyFileChannel c) {
        c.kill();
      } else if (h instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException ignored) {
          // the process "died"
        }
      }
      handles.closed(h);
    }
  }

  /**
   * Cuts the power and restores a state drawn from {@code seed}, in the {@link CrashMode} the seed
   * picks.
   *
   * @return what the state kept, for messages
   */
  public String crash(long seed) {
    PowerCut cut = powerCut();
    CrashChoice choice = cut.choose(CrashMode.fromSeed(seed), seed);
    cut.restore(choice);
    return choice.description();
  }

  /**
   * Replaces everything beneath the root with {@code image}, all of it durable, and brings the
   * power back (clearing every fault rule). Channels still open become unusable.
   *
   * @throws UncheckedIOException if the real directory cannot be rewritten
   */
  public void restore(DiskImage image) {
    synchronized (lock) {
      killHandles();
      image.writeTo(realRoot);
      try {
        model = DiskModel.scan(realRoot);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot scan " + realRoot, e);
      }
      down = false;
      faults.clear();
    }
  }

  /** The files now beneath the root as a reader sees them (the operating system's view). */
  public DiskImage image() {
    synchronized (lock) {
      return DiskImage.read(realRoot);
    }
  }

  /**
   * True when {@code real} (a path of the real root, as {@link Faults#lastInjectedPath()} gives) is
   * {@code dir} (a path on this file system) or lies beneath it.
   */
  public boolean contains(Path dir, Path real) {
    return real != null && real.startsWith(real(dir).toAbsolutePath().normalize());
  }

  /**
   * Files beneath the root that changed around this file system: present in the real directory
   * though never created through it, or holding other bytes than the writes made through it. An
   * engine that declares {@code ANY_FILE_SYSTEM} yet reaches the default file system (through a
   * path's string, say) leaves such files. Meaningful only while no force has failed: a failed
   * force leaves a file's cached bytes ahead of the disk model on purpose.
   *
   * @return one line per file, its path relative to the root and what is wrong; empty when none
   * @throws IOException if the power is cut or the real directory cannot be read
   */
  public List<String> untrackedChanges() throws IOException {
    synchronized (lock) {
      DiskModel m = model();
      List<String> out = new ArrayList<>();
      try (java.util.stream.Stream<Path> all = Files.walk(realRoot)) {
        for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
          DiskModel.Inode inode = m.cacheFiles.get(p);
          String name = DiskImage.relative(realRoot, p);
          if (inode == null) {
            out.add(name + ": created around the file system");
          } else if (!java.util.Arrays.equals(
              DiskModel.apply(inode.durable, inode.pending, w -> true), Files.readAllBytes(p))) {
            out.add(name + ": written around the file system");
          }
        }
      }
      return out;
    }
  }

  /** Caps the number of channels and directory streams open at once; more fail to open. */
  public void handleLimit(int limit) {
    handles.limit(limit);
  }

  /** The number of channels and directory streams open now. */
  public int openHandles() {
    return handles.count();
  }

  /**
   * Fails if a channel or directory stream is still open, with the stack of where the first one was
   * opened as the cause.
   *
   * @throws AssertionError naming how many handles leaked
   */
  public void assertNoOpenHandles() {
    List<HandleTracker.OpenedAt> leaks = handles.leaks();
    if (!leaks.isEmpty()) {
      AssertionError e =
          new AssertionError(leaks.size() + " file handle(s) left open", leaks.get(0));
      leaks.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  /** What this file system has done so far. */
  public FsStatistics statistics() {
    return new FsStatistics(
        faults.count(Faults.Op.READ),
        faults.count(Faults.Op.WRITE),
        faults.count(Faults.Op.FORCE),
        faults.count(Faults.Op.CREATE),
        faults.count(Faults.Op.RENAME),
        faults.count(Faults.Op.DELETE),
        faults.injected(),
        powerCuts(),
        handles.count(),
        handles.peak(),
        mappings());
  }

  private long powerCuts() {
    synchronized (lock) {
      return powerCuts;
    }
  }

  // ---- for the provider and channels ----

  HandleTracker handles() {
    return handles;
  }

  /** The disk model; callers hold {@link #lock}. */
  DiskModel model() throws IOException {
    if (model == null) {
      throw new IOException("simulated power cut: restore a disk state first");
    }
    return model;
  }

  void checkUp() throws IOException {
    synchronized (lock) {
      if (down) {
        throw new IOException("simulated power cut: restore a disk state first");
      }
      if (!open) {
        throw new IOException("the fault-injecting file system is closed");
      }
    }
  }

  void countForce(boolean directory) {
    if (directory) {
      directoryForces++;
    }
  }

  void countMapping() {
    mappings++;
  }

  /** Regions of files mapped into memory so far (a {@code FileChannel.map} call each). */
  public long mappings() {
    synchronized (lock) {
      return mappings;
    }
  }

  /** Forces of directories so far. */
  public long directoryForces() {
    synchronized (lock) {
      return directoryForces;
    }
  }

  FaultyPath wrap(Path real) {
    return new FaultyPath(this, real);
  }

  Path real(Path p) {
    if (p instanceof FaultyPath f && f.getFileSystem() == this) {
      return f.delegate;
    }
    throw new ProviderMismatchException(
        "path " + p + " does not belong to the fault-injecting file system on " + realRoot);
  }

  // ---- FileSystem ----

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  /** Closes every handle still open and, for a temporary file system, deletes its real root. */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (!open) {
        return;
      }
      killHandles();
      model = null;
      down = true;
      open = false;
      if (deleteOnClose) {
        DiskImage.wipe(realRoot);
        Files.deleteIfExists(realRoot);
      }
    }
  }

  @Override
  public boolean isOpen() {
    synchronized (lock) {
      return open;
    }
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return realRoot.getFileSystem().getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    realRoot.getFileSystem().getRootDirectories().forEach(r -> roots.add(wrap(r)));
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return realRoot.getFileSystem().getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return realRoot.getFileSystem().supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(realRoot.getFileSystem().getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = realRoot.getFileSystem().getPathMatcher(syntaxAndPattern);
    return p -> m.matches(real(p));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return realRoot.getFileSystem().getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("the fault-injecting file system does not watch");
  }

  @Override
  public String toString() {
    return "FaultyFileSystem[" + realRoot + "]";
  }
}
