package dev.cairn.conformance.model;

import dev.cairn.spi.Direction;
import java.util.HexFormat;
import java.util.List;

/**
 * One step of a generated operation sequence.
 *
 * <p>Every sequence, and every subsequence of one, is valid: a step naming a snapshot that is not
 * open is skipped by both the engine run and the model, so the shrinker may drop any step. Steps
 * are immutable; their arrays are never modified after construction.
 */
public sealed interface Op {

  /** Stores {@code value} under {@code key}. */
  record Put(byte[] key, byte[] value, boolean sync) implements Op {
    @Override
    public String toString() {
      return "put " + hex(key) + " " + hex(value) + (sync ? " SYNC" : " BUFFERED");
    }
  }

  /** Deletes {@code key}. */
  record Delete(byte[] key) implements Op {
    @Override
    public String toString() {
      return "delete " + hex(key);
    }
  }

  /** Reads {@code key}, live or from snapshot {@code snapshot} (-1 for live). */
  record Get(byte[] key, int snapshot) implements Op {
    @Override
    public String toString() {
      return "get " + hex(key) + (snapshot < 0 ? "" : " @snapshot" + snapshot);
    }
  }

  /** Applies puts and deletes as one batch. */
  record Batch(List<Op> ops) implements Op {
    /** Copies the list; only {@link Put} and {@link Delete} belong in it. */
    public Batch {
      ops = List.copyOf(ops);
    }

    @Override
    public String toString() {
      return "batch " + ops;
    }
  }

  /**
   * Opens a cursor (live or on a snapshot), steps {@code before} times, seeks to {@code seek} if
   * given, then steps up to {@code limit} more times.
   *
   * @param lower the lower bound or null; {@code lowerInclusive} says how it bounds
   * @param upper the upper bound or null
   */
  record Scan(
      byte[] lower,
      boolean lowerInclusive,
      byte[] upper,
      boolean upperInclusive,
      Direction direction,
      int before,
      byte[] seek,
      int limit,
      int snapshot)
      implements Op {
    Scan withBounds(byte[] newLower, byte[] newUpper) {
      return new Scan(
          newLower,
          lowerInclusive,
          newUpper,
          upperInclusive,
          direction,
          before,
          seek,
          limit,
          snapshot);
    }

    Scan withDirection(Direction newDirection) {
      return new Scan(
          lower,
          lowerInclusive,
          upper,
          upperInclusive,
          newDirection,
          before,
          seek,
          limit,
          snapshot);
    }

    Scan withBefore(int newBefore) {
      return new Scan(
          lower,
          lowerInclusive,
          upper,
          upperInclusive,
          direction,
          newBefore,
          seek,
          limit,
          snapshot);
    }

    Scan withSeek(byte[] newSeek) {
      return new Scan(
          lower,
          lowerInclusive,
          upper,
          upperInclusive,
          direction,
          before,
          newSeek,
          limit,
          snapshot);
    }

    Scan withLimit(int newLimit) {
      return new Scan(
          lower,
          lowerInclusive,
          upper,
          upperInclusive,
          direction,
          before,
          seek,
          newLimit,
          snapshot);
    }

    @Override
    public String toString() {
      return "scan "
          + (lower == null ? "(-inf" : (lowerInclusive ? "[" : "(") + hex(lower))
          + ", "
          + (upper == null ? "+inf)" : hex(upper) + (upperInclusive ? "]" : ")"))
          + " "
          + direction
          + (before > 0 ? " next*" + before : "")
          + (seek == null ? "" : " seek " + hex(seek))
          + " limit "
          + limit
          + (snapshot < 0 ? "" : " @snapshot" + snapshot);
    }
  }

  /** Takes snapshot number {@code id}. */
  record OpenSnapshot(int id) implements Op {
    @Override
    public String toString() {
      return "snapshot" + id + " = snapshot()";
    }
  }

  /** Closes snapshot number {@code id}. */
  record CloseSnapshot(int id) implements Op {
    @Override
    public String toString() {
      return "close snapshot" + id;
    }
  }

  /** Makes every write durable. */
  record Flush() implements Op {
    @Override
    public String toString() {
      return "flush";
    }
  }

  /** Closes and reopens the store (durable engines); open snapshots are closed. */
  record Reopen() implements Op {
    @Override
    public String toString() {
      return "reopen";
    }
  }

  /** Runs the engine's consistency check. */
  record Check() implements Op {
    @Override
    public String toString() {
      return "check";
    }
  }

  /** Hex for a key or value; {@code ""} shows as {@code ""}. */
  static String hex(byte[] b) {
    if (b.length == 0) {
      return "\"\"";
    }
    if (b.length > 24) {
      return HexFormat.of().formatHex(b, 0, 8) + "..(" + b.length + "B)";
    }
    return HexFormat.of().formatHex(b);
  }
}
