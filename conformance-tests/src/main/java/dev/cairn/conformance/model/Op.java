package dev.cairn.conformance.model;

import dev.cairn.spi.Direction;
import java.util.HexFormat;
import java.util.List;

/**
 * One step of a generated operation sequence.
 *
 * <p>Every sequence, and every subsequence of one, is valid: a step naming a snapshot that is not
 * open is skipped by both the engine run and the model, and one naming a keyspace that does not
 * exist is refused by both, so the shrinker may drop any step. Steps are immutable; their arrays
 * are never modified after construction.
 *
 * <p>The steps of SPI 1.1 capabilities: {@link InKeyspace} runs a step in a named keyspace, {@link
 * CreateKeyspace} and {@link DropKeyspace} ({@code KEYSPACES}); {@link DeleteRange} ({@code
 * RANGE_DELETES}); {@link Require}, a precondition of a batch ({@code CONDITIONAL_WRITES}).
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

  /**
   * Applies puts, deletes and range deletes as one batch, if its preconditions hold; a batch that
   * names a missing keyspace or whose precondition fails applies nothing.
   */
  record Batch(List<Op> ops) implements Op {
    /**
     * Copies the list; only {@link Put}, {@link Delete}, {@link DeleteRange} and {@link Require},
     * or those in an {@link InKeyspace}, belong in it.
     */
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

  /**
   * Deletes every key of a range (bounds as in {@link Scan}).
   *
   * @param lower the lower bound or null; {@code lowerInclusive} says how it bounds
   * @param upper the upper bound or null
   */
  record DeleteRange(byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive)
      implements Op {
    DeleteRange withBounds(byte[] newLower, byte[] newUpper) {
      return new DeleteRange(newLower, lowerInclusive, newUpper, upperInclusive);
    }

    @Override
    public String toString() {
      return "deleteRange "
          + (lower == null ? "(-inf" : (lowerInclusive ? "[" : "(") + hex(lower))
          + ", "
          + (upper == null ? "+inf)" : hex(upper) + (upperInclusive ? "]" : ")"));
    }
  }

  /**
   * In a {@link Batch}: requires that {@code key} holds {@code expected}, or is absent when {@code
   * expected} is null, when the batch applies.
   */
  record Require(byte[] key, byte[] expected) implements Op {
    @Override
    public String toString() {
      return "require " + hex(key) + (expected == null ? " absent" : " = " + hex(expected));
    }
  }

  /**
   * Runs {@code op} ({@link Put}, {@link Delete}, {@link DeleteRange}, {@link Get}, {@link Scan},
   * or in a batch {@link Require}) in keyspace {@code keyspace} instead of the default one.
   */
  record InKeyspace(String keyspace, Op op) implements Op {
    @Override
    public String toString() {
      return "[" + keyspace + "] " + op;
    }
  }

  /** Creates keyspace {@code name}. */
  record CreateKeyspace(String name) implements Op {
    @Override
    public String toString() {
      return "createKeyspace " + name;
    }
  }

  /** Drops keyspace {@code name}. */
  record DropKeyspace(String name) implements Op {
    @Override
    public String toString() {
      return "dropKeyspace " + name;
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
