package dev.cairn.runtime.migrate;

import dev.cairn.runtime.transfer.EntryDigest;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.ReadView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Per-range checksums of one keyspace on both sides of a migration, compared range by range: the
 * end-of-migration verification. Each range's checksum is an {@link EntryDigest} (the export
 * stream's order-independent digest) of its entries, with their count.
 *
 * <p>Design. When both sides scan in key order, a range is a span of key space: the source's
 * entries are cut every {@code rangeEntries} entries, the cut keys are the boundaries, and the
 * target's entries are assigned to the span between the same boundaries; both sides are read once,
 * in step, in memory of one range's digest. When either side cannot scan in order (the hash
 * engine), a range is a hash bucket: {@code CRC32C(key) mod buckets}; each side is read once, into
 * one digest per bucket. Either way a mismatch names the range (its keys or its bucket), which is
 * what a user needs to look at, and what an online migration repairs (range by range, see {@link
 * Repair}).
 */
final class RangeChecksums {

  /** The default span of an ordered range, in source entries. */
  static final int DEFAULT_RANGE_ENTRIES = 65_536;

  /** The default number of hash buckets for an unordered side. */
  static final int DEFAULT_BUCKETS = 256;

  private RangeChecksums() {}

  /**
   * One range of key space: keys in {@code [lower, upper)} (null for unbounded), or a hash bucket.
   */
  record Range(byte[] lower, byte[] upper, int bucket, int buckets) {

    static Range keys(byte[] lower, byte[] upper) {
      return new Range(lower, upper, -1, 0);
    }

    static Range bucket(int bucket, int buckets) {
      return new Range(null, null, bucket, buckets);
    }

    boolean isBucket() {
      return buckets > 0;
    }

    boolean contains(byte[] key) {
      if (isBucket()) {
        return bucketOf(key, buckets) == bucket;
      }
      return (lower == null || Arrays.compareUnsigned(key, lower) >= 0)
          && (upper == null || Arrays.compareUnsigned(key, upper) < 0);
    }

    @Override
    public String toString() {
      if (isBucket()) {
        return "hash bucket " + bucket + " of " + buckets + " (CRC32C(key) mod " + buckets + ")";
      }
      return "keys ["
          + (lower == null ? "start" : "0x" + HexFormat.of().formatHex(lower))
          + ", "
          + (upper == null ? "end" : "0x" + HexFormat.of().formatHex(upper))
          + ")";
    }
  }

  /** A range whose two sides differ. */
  record Mismatch(
      String keyspace,
      Range range,
      long sourceEntries,
      byte[] sourceDigest,
      long targetEntries,
      byte[] targetDigest) {

    @Override
    public String toString() {
      return "keyspace '"
          + keyspace
          + "', "
          + range
          + ": source "
          + sourceEntries
          + " entries, digest "
          + EntryDigest.hex(sourceDigest)
          + "; target "
          + targetEntries
          + " entries, digest "
          + EntryDigest.hex(targetDigest);
    }
  }

  /** What one keyspace's comparison found. */
  record Result(long ranges, long entries, byte[] digest, List<Mismatch> mismatches) {}

  static int bucketOf(byte[] key, int buckets) {
    CRC32C crc = new CRC32C();
    crc.update(key);
    return (int) (crc.getValue() % buckets);
  }

  /**
   * Compares the two sides of {@code keyspace}, in key ranges when {@code ordered} (both sides scan
   * in key order), else in hash buckets. {@code read} is told each entry read, for progress.
   */
  static Result compare(
      String keyspace,
      ReadView source,
      ReadView target,
      boolean ordered,
      int rangeEntries,
      int buckets,
      LongConsumer read) {
    return ordered
        ? compareOrdered(keyspace, source, target, rangeEntries, read)
        : compareBuckets(keyspace, source, target, buckets, read);
  }

  private static Result compareOrdered(
      String keyspace, ReadView source, ReadView target, int rangeEntries, LongConsumer read) {
    List<Mismatch> mismatches = new ArrayList<>();
    EntryDigest all = new EntryDigest();
    long ranges = 0;
    try (Cursor s = source.cursor();
        Cursor t = target.cursor()) {
      EntryDigest sd = new EntryDigest();
      EntryDigest td = new EntryDigest();
      byte[] lower = null;
      boolean tOn = t.next();
      long n = 0;
      while (s.next()) {
        byte[] key = s.key();
        if (n > 0 && n % rangeEntries == 0) {
          tOn = drainBelow(t, tOn, key, td);
          ranges++;
          check(keyspace, Range.keys(lower, key), sd, td, mismatches);
          sd = new EntryDigest();
          td = new EntryDigest();
          lower = key;
        }
        byte[] value = s.value();
        sd.add(key, value);
        all.add(key, value);
        n++;
        read.accept(n);
      }
      tOn = drainBelow(t, tOn, null, td);
      ranges++;
      check(keyspace, Range.keys(lower, null), sd, td, mismatches);
    }
    return new Result(ranges, all.entries(), all.digest(), mismatches);
  }

  /**
   * Adds the target's entries below {@code upper} (all, when null); returns whether it is on one.
   */
  private static boolean drainBelow(Cursor t, boolean on, byte[] upper, EntryDigest td) {
    while (on) {
      byte[] key = t.key();
      if (upper != null && Arrays.compareUnsigned(key, upper) >= 0) {
        return true;
      }
      td.add(key, t.value());
      on = t.next();
    }
    return false;
  }

  private static Result compareBuckets(
      String keyspace, ReadView source, ReadView target, int buckets, LongConsumer read) {
    EntryDigest[] sd = digests(buckets);
    EntryDigest[] td = digests(buckets);
    EntryDigest all = new EntryDigest();
    long n = 0;
    try (Cursor s = source.cursor()) {
      while (s.next()) {
        byte[] key = s.key();
        byte[] value = s.value();
        sd[bucketOf(key, buckets)].add(key, value);
        all.add(key, value);
        read.accept(++n);
      }
    }
    try (Cursor t = target.cursor()) {
      while (t.next()) {
        byte[] key = t.key();
        td[bucketOf(key, buckets)].add(key, t.value());
      }
    }
    List<Mismatch> mismatches = new ArrayList<>();
    for (int b = 0; b < buckets; b++) {
      check(keyspace, Range.bucket(b, buckets), sd[b], td[b], mismatches);
    }
    return new Result(buckets, all.entries(), all.digest(), mismatches);
  }

  private static EntryDigest[] digests(int n) {
    EntryDigest[] d = new EntryDigest[n];
    for (int i = 0; i < n; i++) {
      d[i] = new EntryDigest();
    }
    return d;
  }

  private static void check(
      String keyspace, Range range, EntryDigest s, EntryDigest t, List<Mismatch> out) {
    byte[] sDigest = s.digest();
    byte[] tDigest = t.digest();
    if (s.entries() != t.entries() || !Arrays.equals(sDigest, tDigest)) {
      out.add(new Mismatch(keyspace, range, s.entries(), sDigest, t.entries(), tDigest));
    }
  }
}
