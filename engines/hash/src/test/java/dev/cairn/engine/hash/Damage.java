package dev.cairn.engine.hash;

import dev.cairn.engine.hash.PristineStore.Kind;
import dev.cairn.engine.hash.PristineStore.Rec;
import dev.cairn.engine.hash.PristineStore.StoreFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One change to one file of a closed store, as a failing disk, a stray write or a careless copy
 * would make it: bits flipped, a range overwritten with random bytes or zeroed, or the file cut
 * short. Every damage changes the file (it never writes the bytes that were there).
 *
 * <p>Offsets are drawn where damage is most telling half of the time: a file's header, the first
 * record (a merge output's list of the files it replaced), a record's header, the last record, and
 * for cuts, the boundaries between records (a cut there leaves a file that reads cleanly to its new
 * end).
 *
 * @param file the file damaged, as it was
 * @param type what was done
 * @param offset the first byte changed; for a cut, the new length
 * @param length how many bytes were changed (0 for a cut)
 * @param damaged the file's bytes afterwards
 */
record Damage(StoreFile file, Type type, long offset, int length, byte[] damaged) {

  /** The kinds of damage. */
  enum Type {
    FLIP,
    OVERWRITE,
    ZERO,
    TRUNCATE
  }

  /** Chooses a file of {@code kind} in {@code store} and damages it. */
  static Damage choose(PristineStore store, Kind kind, SplittableRandom r) {
    List<StoreFile> candidates = store.of(kind);
    StoreFile f;
    if (kind == Kind.DATA && r.nextInt(3) == 0) {
      f = store.newestAppended;
    } else {
      f = candidates.get(r.nextInt(candidates.size()));
    }
    Type type = Type.values()[r.nextInt(Type.values().length)];
    return of(f, type, r);
  }

  private static Damage of(StoreFile f, Type type, SplittableRandom r) {
    byte[] before = f.bytes();
    int size = before.length;
    if (type == Type.TRUNCATE) {
      int cut;
      if (!f.records().isEmpty() && r.nextBoolean()) {
        cut = (int) f.records().get(r.nextInt(f.records().size())).offset();
      } else if (r.nextInt(4) == 0) {
        cut = r.nextInt(Math.min(17, size));
      } else {
        cut = r.nextInt(size);
      }
      return new Damage(f, type, cut, 0, Arrays.copyOf(before, cut));
    }
    for (int attempt = 0; attempt < 20; attempt++) {
      int at = (int) Math.min(size - 1, offset(f, r));
      byte[] after = before.clone();
      int length;
      switch (type) {
        case FLIP -> {
          length = 1 + r.nextInt(Math.min(4, size - at));
          int bits = 1 + r.nextInt(3);
          for (int i = 0; i < bits; i++) {
            after[at + r.nextInt(length)] ^= (byte) (1 << r.nextInt(8));
          }
        }
        case OVERWRITE -> {
          length = 1 + r.nextInt(Math.min(64, size - at));
          for (int i = 0; i < length; i++) {
            after[at + i] = (byte) r.nextInt(256);
          }
        }
        case ZERO -> {
          length = 1 + r.nextInt(Math.min(64, size - at));
          Arrays.fill(after, at, at + length, (byte) 0);
        }
        default -> throw new AssertionError(type);
      }
      int first = Arrays.mismatch(before, after);
      if (first >= 0) {
        int last = size - 1;
        while (before[last] == after[last]) {
          last--;
        }
        return new Damage(f, type, first, last - first + 1, after);
      }
    }
    // Twenty ranges of zeros, or flips that cancelled out: flip one bit instead.
    byte[] after = before.clone();
    int at = r.nextInt(size);
    after[at] ^= 1;
    return new Damage(f, Type.FLIP, at, 1, after);
  }

  /** A place to damage: in a telling spot half of the time, else anywhere. */
  private static long offset(StoreFile f, SplittableRandom r) {
    int size = f.bytes().length;
    List<Rec> recs = f.records();
    if (recs.isEmpty() || r.nextBoolean()) {
      return r.nextInt(size);
    }
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt(16); // the file header
      case 1 -> recs.get(0).offset() + r.nextInt(recs.get(0).size()); // the first record
      case 2 -> recs.get(r.nextInt(recs.size())).offset() + r.nextInt(9); // a record's header
      default -> {
        Rec last = recs.get(recs.size() - 1);
        yield last.offset() + r.nextInt(last.size());
      }
    };
  }

  /** Writes the damaged file over its copy in {@code dir}. */
  void apply(Path dir) {
    try {
      Files.write(dir.resolve(file.name()), damaged);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first record of a data file that the damage touches, or null when it touches none (a cut at
   * the end of the file).
   */
  Rec firstRecordTouched() {
    for (Rec rec : file.records()) {
      if (rec.end() > offset) {
        return rec;
      }
    }
    return null;
  }

  /** Whether the damage changed bytes {@code from} to {@code to} (exclusive) of the file. */
  boolean touches(long from, long to) {
    long end = type == Type.TRUNCATE ? Long.MAX_VALUE : offset + length;
    return offset < to && end > from;
  }

  @Override
  public String toString() {
    String what =
        switch (type) {
          case FLIP -> "flipped bits in " + length + " byte(s) at offset " + offset;
          case OVERWRITE -> "overwrote " + length + " byte(s) with random ones at offset " + offset;
          case ZERO -> "zeroed " + length + " byte(s) at offset " + offset;
          case TRUNCATE -> "cut to " + offset + " bytes";
        };
    Rec rec = file.records().isEmpty() ? null : firstRecordTouched();
    String where =
        rec == null
            ? ""
            : offset < 16
                ? " (the file header)"
                : " (record at "
                    + rec.offset()
                    + ", type "
                    + rec.type()
                    + ", size "
                    + rec.size()
                    + (rec.seq() > 0 ? ", seq " + rec.seq() : "")
                    + (rec == file.records().get(0) ? ", the first record" : "")
                    + (rec == file.records().get(file.records().size() - 1) ? ", the last" : "")
                    + ")";
    return file + ": " + what + where;
  }
}
