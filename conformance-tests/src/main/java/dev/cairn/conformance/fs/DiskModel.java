package dev.cairn.conformance.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the disk holds durably, and what the operating system holds beyond it, for the files under
 * one root directory.
 *
 * <p>The real directory under the root is the operating system's cache: every write lands there at
 * once, so a process crash keeps it. This model keeps the other half, the stable storage: per file
 * ({@link Inode}) its durable image and the writes made since it was last forced; per directory the
 * entry operations (create, unlink, rename, mkdir) made since it was last forced. {@link PowerCut}
 * turns the two into the states a power cut may leave.
 *
 * <p>Rules, as strict as POSIX allows and as Linux behaves:
 *
 * <ul>
 *   <li>forcing a file makes every write to it durable, through whichever channel it was made, and
 *       its size; it does not make its directory entry durable;
 *   <li>forcing a directory makes its entry operations durable, in order;
 *   <li>a failed force drops the file's unsynced writes from the way to the disk (the page cache
 *       marked them clean: PostgreSQL's "fsyncgate"), though a reader still sees them until the
 *       power goes;
 *   <li>renaming a directory commits the pending entry operations inside it (a simplification:
 *       engines sync a directory before publishing it by rename).
 * </ul>
 *
 * <p>Not thread-safe: {@link FaultyFileSystem} calls it under its lock.
 */
final class DiskModel {

  /** A file's identity, which survives renames and hard links. */
  static final class Inode {
    final long id;
    byte[] durable;
    final List<PendingWrite> pending = new ArrayList<>();

    Inode(long id, byte[] durable) {
      this.id = id;
      this.durable = durable;
    }
  }

  /** A change to a file's content not yet forced. */
  sealed interface PendingWrite {
    long seq();
  }

  /** Bytes written at an offset. */
  record Write(long seq, long offset, byte[] data) implements PendingWrite {}

  /** A change of length (truncate, or open with TRUNCATE_EXISTING). */
  record Truncate(long seq, long size) implements PendingWrite {}

  /** A change to a directory's entries not yet forced. */
  sealed interface DirOp {
    long seq();

    Path dir();
  }

  /** A new name for an inode (create or hard link). */
  record Link(long seq, Path dir, Path name, Inode inode) implements DirOp {}

  /** A name removed. */
  record Unlink(long seq, Path dir, Path name) implements DirOp {}

  /** A file renamed within one directory, replacing any file at the target. */
  record Rename(long seq, Path dir, Path from, Path to, Inode inode) implements DirOp {}

  /** A directory created. */
  record Mkdir(long seq, Path dir, Path name) implements DirOp {}

  /** A directory removed. */
  record Rmdir(long seq, Path dir, Path name) implements DirOp {}

  /** A directory renamed, with everything beneath it. */
  record RenameDir(long seq, Path dir, Path from, Path to) implements DirOp {}

  final Path root;
  private long nextSeq = 1;
  private long nextInode = 1;
  final Map<Path, Inode> cacheFiles = new TreeMap<>();
  final Map<Path, Inode> durableFiles = new TreeMap<>();
  final Set<Path> durableDirs = new TreeSet<>();
  final Map<Path, List<DirOp>> pendingDirOps = new LinkedHashMap<>();

  private DiskModel(Path root) {
    this.root = root;
  }

  /** A model in which everything now under {@code root} is durable. */
  static DiskModel scan(Path root) throws IOException {
    DiskModel m = new DiskModel(root);
    m.durableDirs.add(root);
    try (Stream<Path> all = Files.walk(root)) {
      for (Iterator<Path> it = all.iterator(); it.hasNext(); ) {
        Path p = it.next();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          m.durableDirs.add(p);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Inode inode = new Inode(m.nextInode++, Files.readAllBytes(p));
          m.cacheFiles.put(p, inode);
          m.durableFiles.put(p, inode);
        }
      }
    }
    return m;
  }

  boolean tracks(Path real) {
    return real.startsWith(root) && !real.equals(root);
  }

  /** The inode of a tracked existing file, adopting files this model has not seen as durable. */
  Inode inode(Path real) throws IOException {
    Inode inode = cacheFiles.get(real);
    if (inode == null) {
      inode = new Inode(nextInode++, Files.readAllBytes(real));
      cacheFiles.put(real, inode);
      durableFiles.put(real, inode);
    }
    return inode;
  }

  Inode created(Path real) {
    Inode inode = new Inode(nextInode++, new byte[0]);
    Inode replaced = cacheFiles.put(real, inode);
    if (replaced != null) {
      dirOp(new Unlink(nextSeq++, real.getParent(), real));
    }
    dirOp(new Link(nextSeq++, real.getParent(), real, inode));
    return inode;
  }

  void linked(Path existing, Path link) throws IOException {
    Inode inode = inode(existing);
    cacheFiles.put(link, inode);
    dirOp(new Link(nextSeq++, link.getParent(), link, inode));
  }

  void wrote(Inode inode, long offset, byte[] data) {
    inode.pending.add(new Write(nextSeq++, offset, data));
  }

  void truncated(Inode inode, long size) {
    inode.pending.add(new Truncate(nextSeq++, size));
  }

  void forced(Inode inode) {
    inode.durable = apply(inode.durable, inode.pending, w -> true);
    inode.pending.clear();
  }

  /** A failed force: the unsynced writes never reach the disk, though the cache shows them. */
  void forceFailed(Inode inode) {
    inode.pending.clear();
  }

  void dirForced(Path dir) {
    List<DirOp> ops = pendingDirOps.remove(dir);
    if (ops != null) {
      ops.forEach(op -> applyDirOp(op, durableFiles, durableDirs));
    }
  }

  void dirForceFailed(Path dir) {
    pendingDirOps.remove(dir);
  }

  void mkdir(Path real) {
    dirOp(new Mkdir(nextSeq++, real.getParent(), real));
  }

  void deleted(Path real, boolean directory) {
    if (directory) {
      dirOp(new Rmdir(nextSeq++, real.getParent(), real));
    } else {
      cacheFiles.remove(real);
      dirOp(new Unlink(nextSeq++, real.getParent(), real));
    }
  }

  void renamed(Path from, Path to, boolean directory) throws IOException {
    if (directory) {
      for (Path dir : new ArrayList<>(pendingDirOps.keySet())) {
        if (dir.startsWith(from)) {
          dirForced(dir);
        }
      }
      Map<Path, Inode> moved = new TreeMap<>();
      for (Iterator<Map.Entry<Path, Inode>> it = cacheFiles.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Path, Inode> e = it.next();
        if (e.getKey().startsWith(from)) {
          moved.put(to.resolve(from.relativize(e.getKey())), e.getValue());
          it.remove();
        }
      }
      cacheFiles.putAll(moved);
      dirOp(new RenameDir(nextSeq++, to.getParent(), from, to));
      return;
    }
    Inode inode = inode(from);
    cacheFiles.remove(from);
    cacheFiles.put(to, inode);
    if (from.getParent().equals(to.getParent())) {
      dirOp(new Rename(nextSeq++, to.getParent(), from, to, inode));
    } else {
      dirOp(new Unlink(nextSeq++, from.getParent(), from));
      dirOp(new Link(nextSeq++, to.getParent(), to, inode));
    }
  }

  private void dirOp(DirOp op) {
    pendingDirOps.computeIfAbsent(op.dir(), d -> new ArrayList<>()).add(op);
  }

  /** Applies one entry operation to a view of the directory tree. */
  static void applyDirOp(DirOp op, Map<Path, Inode> files, Set<Path> dirs) {
    switch (op) {
      case Link l -> files.put(l.name(), l.inode());
      case Unlink u -> files.remove(u.name());
      case Rename r -> {
        files.remove(r.from());
        files.put(r.to(), r.inode());
      }
      case Mkdir m -> dirs.add(m.name());
      case Rmdir r -> dirs.remove(r.name());
      case RenameDir r -> {
        Map<Path, Inode> moved = new TreeMap<>();
        files
            .entrySet()
            .removeIf(
                e -> {
                  if (e.getKey().startsWith(r.from())) {
                    moved.put(r.to().resolve(r.from().relativize(e.getKey())), e.getValue());
                    return true;
                  }
                  return false;
                });
        files.putAll(moved);
        Set<Path> movedDirs = new TreeSet<>();
        dirs.removeIf(
            d -> {
              if (d.startsWith(r.from())) {
                movedDirs.add(r.to().resolve(r.from().relativize(d)));
                return true;
              }
              return false;
            });
        dirs.addAll(movedDirs);
      }
    }
  }

  /** A content selector for {@link #apply}: which pending writes to keep, and how much of each. */
  interface Keep {
    boolean keeps(PendingWrite w);

    /** The bytes of a kept write that reach the disk: all of them unless the write tears. */
    default List<long[]> pieces(Write w) {
      return List.of(new long[] {w.offset(), w.offset() + w.data().length});
    }

    /** Whether a lost write past the end still grows the file, with zeros (metadata first). */
    default boolean zeroExtends(Write w) {
      return false;
    }
  }

  /** The content of a file after applying the kept pending writes to its durable image. */
  static byte[] apply(byte[] durable, List<PendingWrite> pending, Keep keep) {
    byte[] buf = durable;
    int length = durable.length;
    buf = Arrays.copyOf(buf, Math.max(length, 16));
    for (PendingWrite p : pending) {
      switch (p) {
        case Write w -> {
          if (keep.keeps(w)) {
            for (long[] piece : keep.pieces(w)) {
              int from = (int) piece[0];
              int to = (int) piece[1];
              if (to > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(to, buf.length * 2));
              }
              System.arraycopy(w.data(), (int) (from - w.offset()), buf, from, to - from);
              length = Math.max(length, to);
            }
          } else if (keep.zeroExtends(w)) {
            int to = (int) (w.offset() + w.data().length);
            if (to > buf.length) {
              buf = Arrays.copyOf(buf, Math.max(to, buf.length * 2));
            }
            length = Math.max(length, to);
          }
        }
        case Truncate t -> {
          if (keep.keeps(t)) {
            int size = (int) t.size();
            if (size < length) {
              Arrays.fill(buf, size, length, (byte) 0);
            } else if (size > buf.length) {
              buf = Arrays.copyOf(buf, size);
            }
            length = size;
          }
        }
      }
    }
    return Arrays.copyOf(buf, length);
  }
}
