package dev.cairn.conformance.fs;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The faults a {@link FaultyFileSystem} injects, and its count of every operation.
 *
 * <p>Each file system operation is an <em>injection point</em>: before doing it the file system
 * asks this object, which may fail it with an {@link IOException}. Rules:
 *
 * <ul>
 *   <li>{@link #failNth}: the n-th operation of a kind (optionally on paths matching a predicate)
 *       fails, once;
 *   <li>{@link #failAlways}: every operation of a kind on matching paths fails;
 *   <li>{@link #failCall}: the n-th operation of any kind fails, once (sweeps over every injection
 *       point use it);
 *   <li>{@link #diskSpace}: writes fail with "No space left on device" once the budget is spent;
 *   <li>{@link #powerLossAfterMutations}: after that many mutating operations the power goes: the
 *       next mutation and every operation after it fail, until {@link FaultyFileSystem#powerCut()}.
 * </ul>
 *
 * <p>A failed {@link Op#FORCE} behaves as Linux does after a write-back error: the unsynced writes
 * are dropped on their way to the disk though reads still see them, and a later force succeeds
 * without bringing them back.
 *
 * <p>Thread-safe: every method synchronizes on this object. Counts start from the last {@link
 * #clear()}, n-th counts from when the rule was added.
 */
public final class Faults {

  /** A kind of file system operation, as counted and as failed. */
  public enum Op {
    /** Opening a file or directory channel, or a directory stream. */
    OPEN(false),
    /** Reading from a channel. */
    READ(false),
    /**
     * Mapping a region of a file into memory (a read-only {@code FileChannel.map}); reads through a
     * mapping are not injection points.
     */
    MAP(false),
    /** Writing to a channel. */
    WRITE(true),
    /** Changing a file's length. */
    TRUNCATE(true),
    /** Forcing a file or a directory to stable storage. */
    FORCE(true),
    /** Creating a file (an open that creates, or a hard link). */
    CREATE(true),
    /** Creating a directory. */
    MKDIR(true),
    /** Renaming a file or directory. */
    RENAME(true),
    /** Deleting a file or directory. */
    DELETE(true);

    final boolean mutates;

    Op(boolean mutates) {
      this.mutates = mutates;
    }
  }

  private record Rule(Op op, Predicate<Path> where, long nth, boolean always, long[] seen) {}

  private final List<Rule> rules = new ArrayList<>();
  private final Map<Op, Long> counts = new EnumMap<>(Op.class);
  private long calls;
  private long mutations;
  private long failCallAt = -1;
  private long powerLossAfter = -1;
  private boolean poweredOff;
  private long diskBudget = Long.MAX_VALUE;
  private long injected;
  private Op lastInjected;
  private Path lastInjectedPath;

  Faults() {}

  /**
   * Fails the {@code n}-th operation of kind {@code op} from now (1-based), once.
   *
   * @throws IllegalArgumentException if {@code n < 1} or {@code op} is null
   */
  public synchronized Faults failNth(Op op, long n) {
    return failNth(op, n, p -> true);
  }

  /**
   * Fails the {@code n}-th operation of kind {@code op} on a path matching {@code where}, once.
   *
   * @throws IllegalArgumentException if {@code n < 1} or an argument is null
   */
  public synchronized Faults failNth(Op op, long n, Predicate<Path> where) {
    if (op == null || where == null || n < 1) {
      throw new IllegalArgumentException("failNth needs an operation, a predicate and n >= 1");
    }
    rules.add(new Rule(op, where, n, false, new long[1]));
    return this;
  }

  /**
   * Fails every operation of kind {@code op} on a path matching {@code where}.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public synchronized Faults failAlways(Op op, Predicate<Path> where) {
    if (op == null || where == null) {
      throw new IllegalArgumentException("failAlways needs an operation and a predicate");
    }
    rules.add(new Rule(op, where, 0, true, new long[1]));
    return this;
  }

  /**
   * Fails the {@code n}-th operation of any kind counted from the last {@link #clear()}, once.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public synchronized Faults failCall(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("failCall needs n >= 1, got " + n);
    }
    failCallAt = n;
    return this;
  }

  /**
   * Lets {@code bytes} more bytes be written; writes beyond fail with "No space left on device".
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public synchronized Faults diskSpace(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("disk space must be >= 0, got " + bytes);
    }
    diskBudget = bytes;
    return this;
  }

  /**
   * Cuts the power after {@code n} more mutating operations: the next one is not done, and it and
   * every later operation fail.
   *
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public synchronized Faults powerLossAfterMutations(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    powerLossAfter = mutations + n;
    return this;
  }

  /** Removes every rule and restores the power; counts of injected faults are kept. */
  public synchronized void clear() {
    rules.clear();
    failCallAt = -1;
    powerLossAfter = -1;
    poweredOff = false;
    diskBudget = Long.MAX_VALUE;
    calls = 0;
  }

  /** True once a power loss happened (until {@link #clear()}). */
  public synchronized boolean poweredOff() {
    return poweredOff;
  }

  /** Faults injected since this file system was made. */
  public synchronized long injected() {
    return injected;
  }

  /** The kind of the last injected fault, or null. */
  public synchronized Op lastInjected() {
    return lastInjected;
  }

  /**
   * The path of the last injected fault, or null; a path of the file system's real root (use {@link
   * FaultyFileSystem#contains} to test it against a path on the file system).
   */
  public synchronized Path lastInjectedPath() {
    return lastInjectedPath;
  }

  /** Operations counted since the last {@link #clear()}: the injection points passed so far. */
  public synchronized long calls() {
    return calls;
  }

  /** Mutating operations since this file system was made. */
  public synchronized long mutations() {
    return mutations;
  }

  /** Operations of kind {@code op} since this file system was made. */
  public synchronized long count(Op op) {
    return counts.getOrDefault(op, 0L);
  }

  /** Counts the operation and fails it when a rule says so. */
  synchronized void check(Op op, Path path) throws IOException {
    check(op, path, 0);
  }

  synchronized void check(Op op, Path path, long bytes) throws IOException {
    if (poweredOff) {
      throw new IOException("simulated power loss: the disk is gone (" + op + " " + path + ")");
    }
    calls++;
    counts.merge(op, 1L, Long::sum);
    if (op.mutates) {
      if (powerLossAfter >= 0 && mutations >= powerLossAfter) {
        poweredOff = true;
        throw new IOException("simulated power loss during " + op + " " + path);
      }
      mutations++;
    }
    if (calls == failCallAt) {
      failCallAt = -1;
      throw inject(op, path);
    }
    for (Rule r : rules) {
      if (r.op == op && r.where.test(path)) {
        r.seen[0]++;
        if (r.always || r.seen[0] == r.nth) {
          throw inject(op, path);
        }
      }
    }
    if (bytes > 0) {
      if (bytes > diskBudget) {
        diskBudget = 0;
        injected++;
        lastInjected = op;
        lastInjectedPath = path;
        throw new FileSystemException(path.toString(), null, "No space left on device");
      }
      if (diskBudget != Long.MAX_VALUE) {
        diskBudget -= bytes;
      }
    }
  }

  private IOException inject(Op op, Path path) {
    injected++;
    lastInjected = op;
    lastInjectedPath = path;
    return new IOException("injected I/O error: " + op + " " + path);
  }
}
