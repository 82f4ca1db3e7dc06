package dev.cairn.conformance.fs;

import dev.cairn.conformance.fs.DiskModel.DirOp;
import dev.cairn.conformance.fs.DiskModel.Inode;
import dev.cairn.conformance.fs.DiskModel.PendingWrite;
import dev.cairn.conformance.fs.DiskModel.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The instant of a simulated power cut: the durable state and everything still pending, frozen.
 *
 * <p>Made by {@link FaultyFileSystem#powerCut()}, which invalidates every open channel. A cut can
 * {@linkplain #image(CrashChoice) compute} any number of the states the disk may be left in, and
 * {@link #restore(CrashChoice)} puts one of them on the file system, on which the engine is then
 * reopened. The same cut can be restored again and again, which is how every crash state of a point
 * is tried in turn.
 *
 * <p>Thread-safe once made: it is never modified.
 */
public final class PowerCut {

  private static final int[] SECTORS = {512, 4096};

  private final FaultyFileSystem fs;
  private final DiskModel model;
  private final DiskImage processImage;
  private final List<PendingWrite> writes = new ArrayList<>();
  private final Map<Long, Inode> inodeOfWrite = new HashMap<>();
  private final List<DirOp> dirOps = new ArrayList<>();

  PowerCut(FaultyFileSystem fs, DiskModel model, DiskImage processImage) {
    this.fs = fs;
    this.model = model;
    this.processImage = processImage;
    Set<Inode> inodes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    inodes.addAll(model.cacheFiles.values());
    inodes.addAll(model.durableFiles.values());
    for (List<DirOp> ops : model.pendingDirOps.values()) {
      for (DirOp op : ops) {
        dirOps.add(op);
        if (op instanceof DiskModel.Link l) {
          inodes.add(l.inode());
        } else if (op instanceof DiskModel.Rename r) {
          inodes.add(r.inode());
        }
      }
    }
    for (Inode inode : inodes) {
      for (PendingWrite w : inode.pending) {
        writes.add(w);
        inodeOfWrite.put(w.seq(), inode);
      }
    }
    writes.sort(java.util.Comparator.comparingLong(PendingWrite::seq));
    dirOps.sort(java.util.Comparator.comparingLong(DirOp::seq));
  }

  /** How many unsynced file writes and directory operations the cut caught. */
  public int pendingOperations() {
    return writes.size() + dirOps.size();
  }

  /** What the operating system held at the cut, as a process crash would leave it. */
  public DiskImage processImage() {
    return processImage;
  }

  /** The state {@code mode} leaves, with its random parts drawn from {@code seed}. */
  public CrashChoice choose(CrashMode mode, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Set<Long> kept = new HashSet<>();
    Map<Long, BitSet> torn = new HashMap<>();
    int sector = SECTORS[rnd.nextInt(SECTORS.length)];
    boolean zeroExtend = false;
    switch (mode) {
      case PROCESS -> {
        return new CrashChoice(true, Set.of(), Map.of(), sector, false, "process crash");
      }
      case DURABLE_ONLY -> {}
      case PREFIX -> {
        // NB: in the order of each file's first pending write (an inode is equal only to itself),
        // so that a seed keeps the same prefixes on every run; an identity map's order is not.
        Map<Inode, List<PendingWrite>> byInode = new LinkedHashMap<>();
        for (PendingWrite w : writes) {
          byInode.computeIfAbsent(inodeOfWrite.get(w.seq()), i -> new ArrayList<>()).add(w);
        }
        for (List<PendingWrite> ws : byInode.values()) {
          int k = rnd.nextInt(ws.size() + 1);
          for (int i = 0; i < k; i++) {
            kept.add(ws.get(i).seq());
          }
          if (k < ws.size() && ws.get(k) instanceof Write w && rnd.nextBoolean()) {
            int n = sectors(w, sector);
            BitSet bits = new BitSet();
            bits.set(0, rnd.nextInt(n + 1));
            kept.add(w.seq());
            torn.put(w.seq(), bits);
          }
        }
      }
      case REORDER -> {
        zeroExtend = rnd.nextBoolean();
        for (PendingWrite w : writes) {
          if (rnd.nextBoolean()) {
            kept.add(w.seq());
            if (w instanceof Write ww && rnd.nextInt(3) == 0) {
              BitSet bits = new BitSet();
              for (int i = 0, n = sectors(ww, sector); i < n; i++) {
                bits.set(i, rnd.nextBoolean());
              }
              torn.put(w.seq(), bits);
            }
          }
        }
      }
    }
    Map<Path, List<DirOp>> byDir = new TreeMap<>();
    dirOps.forEach(op -> byDir.computeIfAbsent(op.dir(), d -> new ArrayList<>()).add(op));
    for (List<DirOp> ops : byDir.values()) {
      int k = mode == CrashMode.DURABLE_ONLY ? 0 : rnd.nextInt(ops.size() + 1);
      for (int i = 0; i < k; i++) {
        kept.add(ops.get(i).seq());
      }
    }
    return new CrashChoice(
        false,
        kept,
        torn,
        sector,
        zeroExtend,
        mode
            + " seed "
            + seed
            + ": keeps "
            + kept.size()
            + " of "
            + pendingOperations()
            + " pending operations, "
            + torn.size()
            + " torn at "
            + sector
            + " bytes"
            + (zeroExtend ? ", lost appends leave zeros" : ""));
  }

  /**
   * Every distinct state reachable by keeping a subset of the pending operations whole (no tears):
   * all of them when there are at most {@code maxExhaustive} pending operations, otherwise {@code 1
   * << maxExhaustive} subsets drawn from {@code seed}. Directory operations are kept as a prefix
   * per directory, so subsets that differ only in what a prefix cannot hold are the same state.
   */
  public List<CrashChoice> enumerate(int maxExhaustive, long seed) {
    List<Long> units = new ArrayList<>();
    writes.forEach(w -> units.add(w.seq()));
    dirOps.forEach(op -> units.add(op.seq()));
    int n = units.size();
    boolean all = n <= maxExhaustive;
    long count = all ? 1L << n : 1L << maxExhaustive;
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<Set<Long>, CrashChoice> distinct = new java.util.LinkedHashMap<>();
    for (long mask = 0; mask < count; mask++) {
      Set<Long> chosen = new HashSet<>();
      for (int i = 0; i < n; i++) {
        boolean keep = all ? (mask >>> i & 1) != 0 : rnd.nextBoolean();
        if (keep) {
          chosen.add(units.get(i));
        }
      }
      Set<Long> normal = normalize(chosen);
      distinct.computeIfAbsent(
          normal,
          k ->
              new CrashChoice(
                  false,
                  k,
                  Map.of(),
                  512,
                  false,
                  "subset " + new TreeSet<>(k) + " of pending " + units));
    }
    return new ArrayList<>(distinct.values());
  }

  private Set<Long> normalize(Set<Long> chosen) {
    Set<Long> out = new LinkedHashSet<>();
    writes.stream().filter(w -> chosen.contains(w.seq())).forEach(w -> out.add(w.seq()));
    Map<Path, Boolean> open = new HashMap<>();
    for (DirOp op : dirOps) {
      boolean prefixOpen = open.getOrDefault(op.dir(), true);
      if (prefixOpen && chosen.contains(op.seq())) {
        out.add(op.seq());
      } else {
        open.put(op.dir(), false);
      }
    }
    return out;
  }

  private static int sectors(Write w, int sector) {
    long first = w.offset() / sector;
    long last = (w.offset() + w.data().length - 1) / sector;
    return (int) Math.max(1, last - first + 1);
  }

  /** The disk as {@code choice} leaves it, without touching the file system. */
  public DiskImage image(CrashChoice choice) {
    if (choice.process) {
      return processImage;
    }
    Map<Path, Inode> files = new TreeMap<>(model.durableFiles);
    Set<Path> dirs = new TreeSet<>(model.durableDirs);
    Map<Path, Boolean> open = new HashMap<>();
    for (DirOp op : dirOps) {
      boolean prefixOpen = open.getOrDefault(op.dir(), true);
      if (prefixOpen && choice.kept.contains(op.seq())) {
        DiskModel.applyDirOp(op, files, dirs);
      } else {
        open.put(op.dir(), false);
      }
    }
    Set<Path> live = new TreeSet<>();
    live.add(model.root);
    Set<String> outDirs = new TreeSet<>();
    for (Path d : dirs) {
      if (d.equals(model.root) || live.contains(d.getParent())) {
        live.add(d);
        if (!d.equals(model.root)) {
          outDirs.add(DiskImage.relative(model.root, d));
        }
      }
    }
    Map<Long, byte[]> contents = new HashMap<>();
    DiskModel.Keep keep = keeper(choice);
    Map<String, byte[]> outFiles = new TreeMap<>();
    files.forEach(
        (p, inode) -> {
          if (live.contains(p.getParent())) {
            byte[] c =
                contents.computeIfAbsent(
                    inode.id, id -> DiskModel.apply(inode.durable, inode.pending, keep));
            outFiles.put(DiskImage.relative(model.root, p), c);
          }
        });
    return new DiskImage(outFiles, outDirs);
  }

  private static DiskModel.Keep keeper(CrashChoice choice) {
    return new DiskModel.Keep() {
      @Override
      public boolean keeps(PendingWrite w) {
        return choice.kept.contains(w.seq());
      }

      @Override
      public List<long[]> pieces(Write w) {
        BitSet bits = choice.tornSectors.get(w.seq());
        long end = w.offset() + w.data().length;
        if (bits == null) {
          return List.of(new long[] {w.offset(), end});
        }
        List<long[]> out = new ArrayList<>();
        long s = choice.sectorSize;
        long start = w.offset() / s * s;
        for (int i = 0; start + i * s < end; i++) {
          if (bits.get(i)) {
            out.add(
                new long[] {
                  Math.max(w.offset(), start + i * s), Math.min(end, start + (i + 1) * s)
                });
          }
        }
        return out;
      }

      @Override
      public boolean zeroExtends(Write w) {
        return choice.zeroExtend;
      }
    };
  }

  /**
   * Puts the state {@code choice} leaves on the file system, as the disk after the power comes
   * back, and returns it. Everything on it is then durable.
   *
   * @throws java.io.UncheckedIOException if the real directory cannot be rewritten
   */
  public DiskImage restore(CrashChoice choice) {
    DiskImage image = image(choice);
    fs.restore(image);
    return image;
  }
}
