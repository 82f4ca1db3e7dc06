package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.runtime.Cairn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A cleanly closed hash store with a known history, built from a seed, held in memory so that each
 * fuzzing trial starts from a fresh copy of the same bytes.
 *
 * <p>It is built in phases, each a separate open, so that merges run only where the builder asks
 * and the files are byte for byte the same on every run:
 *
 * <ol>
 *   <li>created through the runtime, which writes the store marker;
 *   <li>writes with {@code merge.threshold} 1 (no file ever becomes wholly stale, see {@link
 *       FuzzHistory#write}), so that files roll and older values stay behind in older files;
 *   <li>an open with nothing written, whose background cycles merge every file that is due;
 *   <li>more writes, then merges again: the store now holds merge outputs older than its newest
 *       written file, and one newer than any (its id is the highest);
 *   <li>for odd seeds, a few more writes, so that the newest file is again a written one.
 * </ol>
 *
 * <p>Each file is parsed and checked against the history before any trial uses it.
 */
final class PristineStore {

  /** The settings every open of a fuzzed store uses: small files, so there are many. */
  static final Map<String, String> SETTINGS =
      Map.of("file.size", "4k", "merge.threshold", "0.3", "merge.small.files", "0");

  private static final Map<String, String> NO_MERGES =
      Map.of("file.size", "4k", "merge.threshold", "1", "merge.small.files", "0");

  /** What a file of the store is. */
  enum Kind {
    DATA,
    MERGE_OUTPUT,
    HINT,
    MANIFEST,
    MARKER,
    OTHER
  }

  /**
   * One record of a data or hint file.
   *
   * @param offset where it starts
   * @param size its framed size
   * @param type its type
   * @param seq its sequence number (operation records of data files), else -1
   */
  record Rec(long offset, int size, int type, long seq) {
    long end() {
      return offset + size;
    }
  }

  /**
   * One file.
   *
   * @param name its name in the store directory
   * @param kind what it is
   * @param bytes its contents
   * @param records its records (data and hint files), in file order
   */
  record StoreFile(String name, Kind kind, byte[] bytes, List<Rec> records) {
    @Override
    public String toString() {
      return name
          + " ("
          + kind.name().toLowerCase().replace('_', ' ')
          + ", "
          + bytes.length
          + " B)";
    }
  }

  final long seed;
  final FuzzHistory history;
  final Map<String, StoreFile> files;

  /** The written (not merged) data file that holds the last operation, or null if merged away. */
  final StoreFile newestAppended;

  private PristineStore(long seed, FuzzHistory history, Map<String, StoreFile> files) {
    this.seed = seed;
    this.history = history;
    this.files = files;
    StoreFile newest = null;
    for (StoreFile f : files.values()) {
      if (f.kind() == Kind.DATA
          && f.records().stream().anyMatch(r -> r.seq() == history.lastSeq())) {
        newest = f;
      }
    }
    this.newestAppended = newest;
  }

  /** Builds the store of {@code seed} in the empty or missing directory {@code dir}. */
  static PristineStore build(long seed, Path dir) {
    SplittableRandom r = new SplittableRandom(seed);
    // Created through the runtime, which writes the marker; then only the manifest is there.
    Cairn.store(dir).engine("hash").createIfMissing(true).open().close();
    FuzzHistory h = new FuzzHistory();
    write(dir, h, r, 250 + r.nextInt(150));
    mergeAllDue(dir);
    write(dir, h, r, 200 + r.nextInt(100));
    mergeAllDue(dir);
    if ((seed & 1) == 1) {
      write(dir, h, r, 20 + r.nextInt(100));
    }
    PristineStore p = new PristineStore(seed, h, read(dir, h));
    if (p.of(Kind.DATA).size() < 2 || p.newestAppended == null) {
      // The merges took every written file, or the one holding the last write (it happens for a
      // few histories): write more, so that the store has written files to damage and its newest
      // write in a written file. Deterministic: the same seed does the same.
      write(dir, h, r, 150 + r.nextInt(100));
      p = new PristineStore(seed, h, read(dir, h));
    }
    p.checkShape();
    return p;
  }

  private static void write(Path dir, FuzzHistory h, SplittableRandom r, int count) {
    try (HashEngine e = TestStores.open(dir, NO_MERGES)) {
      // NB: a sealed file wakes the background thread, whose cycle could merge a file the writes
      // made wholly stale (merge.threshold 1 still takes those) at a moment that depends on
      // timing: no cycle runs until the writes are in. Then the cycles run to the end, on a state
      // that depends only on the history: hints of sealed files (without them, whether the last
      // has one at close would depend on timing), and the merges of wholly stale files.
      e.merger().hold(true);
      e.runBackgroundCycle(); // a cycle begun before the hold has ended
      long before = e.statistics().details().get("merge.count");
      h.write(e, r, count);
      if (e.statistics().details().get("merge.count") != before) {
        throw new AssertionError(
            "the fuzzed store's builder is broken: a merge ran while writing, so its files"
                + " depend on timing");
      }
      e.merger().hold(false);
      settle(e);
    }
  }

  private static void mergeAllDue(Path dir) {
    try (HashEngine e = TestStores.open(dir, SETTINGS)) {
      settle(e);
    }
  }

  /** Runs background cycles until one merges nothing. */
  private static void settle(HashEngine e) {
    for (int i = 0; i < 50; i++) {
      long before = e.statistics().details().get("merge.count");
      e.runBackgroundCycle();
      if (e.statistics().details().get("merge.count") == before) {
        return;
      }
    }
    throw new AssertionError("merges do not settle");
  }

  /** Reads and parses every file of {@code dir}, checking each record against {@code h}. */
  private static Map<String, StoreFile> read(Path dir, FuzzHistory h) {
    Map<String, StoreFile> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        byte[] bytes = Files.readAllBytes(p);
        Kind kind;
        List<Rec> records = List.of();
        if (name.equals("CAIRN-STORE")) {
          kind = Kind.MARKER;
        } else if (name.equals(Manifest.FILE_NAME)) {
          kind = Kind.MANIFEST;
        } else if (DataFile.idOf(name, ".hint") > 0) {
          kind = Kind.HINT;
          records = records(p, null);
        } else if (DataFile.idOf(name, ".data") > 0) {
          records = records(p, h);
          kind =
              !records.isEmpty() && records.get(0).type() == DataRecord.MERGE_INFO
                  ? Kind.MERGE_OUTPUT
                  : Kind.DATA;
        } else {
          kind = Kind.OTHER;
        }
        out.put(name, new StoreFile(name, kind, bytes, records));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableMap(out);
  }

  private static List<Rec> records(Path file, FuzzHistory h) {
    List<Rec> out = new ArrayList<>();
    try (RecordReader r = RecordReader.open(file)) {
      for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
        long seq = -1;
        if (h != null && DataRecord.isOperation(rec.type())) {
          DataRecord d =
              DataRecord.decode(rec.type(), rec.payload(), 0, rec.payload().length, file + "");
          seq = d.seq();
          FuzzHistory.Op op = seq >= 1 && seq <= h.lastSeq() ? h.op(seq) : null;
          if (op == null
              || !Arrays.equals(FuzzHistory.bytes(op.key()), d.key())
              || !Arrays.equals(op.value(), d.value())) {
            throw new AssertionError(
                file + " at " + rec.offset() + ": record seq " + seq + " is not the model's " + op);
          }
        }
        out.add(new Rec(rec.offset(), rec.payload().length + 9, rec.type(), seq));
      }
      if (r.stop() != RecordReader.Stop.END_OF_FILE) {
        throw new AssertionError(file + ": a fresh store's file is damaged: " + r.stopDetail());
      }
    }
    return List.copyOf(out);
  }

  /** Fails unless the store has every kind of file the fuzzing needs. */
  private void checkShape() {
    List<StoreFile> data = of(Kind.DATA);
    List<StoreFile> merged = of(Kind.MERGE_OUTPUT);
    String problem = null;
    if (data.size() < 2) {
      problem = "fewer than 2 written data files";
    } else if (merged.isEmpty()) {
      problem = "no merge output";
    } else if (of(Kind.HINT).size() != data.size() + merged.size()) {
      problem = "a data file without a hint";
    } else if (of(Kind.MANIFEST).size() != 1 || of(Kind.MARKER).size() != 1) {
      problem = "no manifest or no marker";
    } else if (newestAppended == null) {
      problem = "the newest written file was merged";
    }
    if (problem != null) {
      throw new AssertionError(
          "the fuzzed store's builder is broken: store " + seed + " has " + problem + ": " + files);
    }
  }

  List<StoreFile> of(Kind kind) {
    return files.values().stream().filter(f -> f.kind() == kind).toList();
  }

  /** Whether the file with the highest id is a merge output. */
  boolean endsWithMergeOutput() {
    StoreFile last = null;
    for (StoreFile f : files.values()) {
      if (f.kind() == Kind.DATA || f.kind() == Kind.MERGE_OUTPUT) {
        last = f;
      }
    }
    return last != null && last.kind() == Kind.MERGE_OUTPUT;
  }

  /** Writes the store's files into the empty directory {@code dir}. */
  void writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      for (StoreFile f : files.values()) {
        Files.write(dir.resolve(f.name()), f.bytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
