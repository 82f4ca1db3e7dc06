package dev.cairn.conformance.crash;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One engine open on one directory, running workload steps and recording their outcome in an {@link
 * Oracle}, and reading a store back after a crash.
 *
 * <p>A step that throws a {@link StorageException} failed (it may or may not have happened); a step
 * that throws anything else, or a read that returns what was never written, is a contract
 * violation, kept in {@link #violation()}. Not thread-safe.
 */
final class StoreSession {

  private final StorageEngineProvider provider;
  private final Path dir;
  final Oracle oracle;
  private StorageEngine engine;
  private String violation;
  private boolean failStopExpected;
  private boolean lastAcked;
  private boolean lastConflict;
  private boolean stopped;
  private boolean knowsTheStore = true;

  StoreSession(StorageEngineProvider provider, Path dir, Oracle oracle) {
    this.provider = provider;
    this.dir = dir;
    this.oracle = oracle;
  }

  /**
   * The default durability of every store the campaigns open: {@code SYNC}, so that a write made
   * without naming a durability is owed what {@code SYNC} promises.
   */
  static final Durability DEFAULT_DURABILITY = Durability.SYNC;

  static EngineOptions options(Path dir) {
    return EngineOptions.builder().directory(dir).defaultDurability(DEFAULT_DURABILITY).build();
  }

  /** Opens the engine; false (and no engine) if it threw a storage exception. */
  boolean open() {
    try {
      engine = provider.open(options(dir));
      return true;
    } catch (StorageException e) {
      engine = null;
      return false;
    } catch (RuntimeException e) {
      violation = "open threw a non-SPI exception: " + stack(e);
      engine = null;
      return false;
    }
  }

  boolean isOpen() {
    return engine != null;
  }

  /** The first contract violation seen, or null. */
  String violation() {
    return violation;
  }

  /**
   * The store held data before this session that its oracle does not know (a process-kill child
   * continuing its predecessors' store): the session then checks no outcome against the oracle's
   * state, only records it.
   */
  void startsOnAnUnknownStore() {
    knowsTheStore = false;
  }

  /** From now on every write must fail with {@link EngineFailedException} until a reopen. */
  void expectFailStop() {
    failStopExpected = true;
  }

  /**
   * Runs one step and records its outcome.
   *
   * @return false when the session cannot go on (the engine is gone or a violation was seen)
   */
  boolean apply(Op op) {
    lastAcked = false;
    lastConflict = false;
    if (engine == null) {
      return false;
    }
    try {
      switch (op) {
        case Op.Put p when !p.keyspace().equals(Keyspace.DEFAULT) && p.byDefault() ->
            engine.keyspace(p.keyspace()).put(p.key(), p.value());
        case Op.Put p when !p.keyspace().equals(Keyspace.DEFAULT) ->
            engine.keyspace(p.keyspace()).put(p.key(), p.value(), p.durability());
        case Op.Put p when p.byDefault() -> engine.put(p.key(), p.value());
        case Op.Put p -> engine.put(p.key(), p.value(), p.durability());
        case Op.Delete d when !d.keyspace().equals(Keyspace.DEFAULT) && d.byDefault() ->
            engine.keyspace(d.keyspace()).delete(d.key());
        case Op.Delete d when !d.keyspace().equals(Keyspace.DEFAULT) ->
            engine.keyspace(d.keyspace()).delete(d.key(), d.durability());
        case Op.Delete d when d.byDefault() -> engine.delete(d.key());
        case Op.Delete d -> engine.delete(d.key(), d.durability());
        case Op.DeleteRange r when !r.keyspace().equals(Keyspace.DEFAULT) ->
            engine.keyspace(r.keyspace()).deleteRange(r.range(), r.durability());
        case Op.DeleteRange r -> engine.deleteRange(r.range(), r.durability());
        case Op.Batch b when b.byDefault() -> engine.write(b.toBatch());
        case Op.Batch b -> engine.write(b.toBatch(), b.durability());
        case Op.CreateKeyspace c -> engine.createKeyspace(c.keyspace());
        case Op.DropKeyspace d -> engine.dropKeyspace(d.keyspace());
        case Op.Flush f -> engine.flush();
        case Op.Checkpoint c -> engine.checkpoint(dir.resolveSibling(c.directoryName()));
        case Op.Reopen r -> {
          StorageEngine e = engine;
          engine = null;
          e.close();
          failStopExpected = false;
          stopped = false;
          engine = provider.open(options(dir));
        }
        case Op.Get g -> checkRead(g);
      }
      if (failStopExpected && isWrite(op)) {
        violation =
            "the engine acknowledged "
                + op
                + " after an fsync failed, instead of failing with EngineFailedException until"
                + " reopened";
        return false;
      }
      if (isWrite(op) && knows() && !op.possibleIn(oracle.current())) {
        violation =
            "the engine acknowledged "
                + op
                + ", which cannot succeed in the store's state (a keyspace missing or present, or a"
                + " precondition failing): "
                + new TreeMap<>(oracle.current());
        return false;
      }
      oracle.acked(op);
      lastAcked = true;
      return violation == null;
    } catch (ConflictException e) {
      if (failStopExpected && isWrite(op)) {
        violation = op + " failed with ConflictException after an fsync failure, not EngineFailed";
        return false;
      }
      if (!(op instanceof Op.Batch b) || b.preconditions().isEmpty()) {
        violation = op + " threw ConflictException but has no precondition: " + e.getMessage();
        return false;
      }
      if (knows() && op.possibleIn(oracle.current())) {
        violation =
            op
                + " threw ConflictException though every precondition held in "
                + new TreeMap<>(oracle.current())
                + ": "
                + e.getMessage();
        return false;
      }
      oracle.conflicted(op);
      lastConflict = true;
      return true;
    } catch (StorageException e) {
      boolean keyspaceMayBeMissing =
          e instanceof InvalidArgumentException
              && namesKeyspaces(op)
              && !(knows() && op.possibleIn(oracle.current()));
      if (e instanceof InvalidArgumentException && namesKeyspaces(op) && !keyspaceMayBeMissing) {
        violation =
            op
                + " was refused with InvalidArgumentException though it can succeed in the"
                + " store's state "
                + new TreeMap<>(oracle.current())
                + ": "
                + e.getMessage();
        return false;
      }
      if (failStopExpected
          && isWrite(op)
          && !(e instanceof EngineFailedException)
          && !keyspaceMayBeMissing) {
        violation =
            op
                + " failed with "
                + e.getClass().getSimpleName()
                + " after an fsync failure, not EngineFailedException: "
                + e.getMessage();
        return false;
      }
      if (e instanceof EngineFailedException && stopped) {
        // NB: an engine that already stopped refuses the write without doing it; recording it
        // as "may have happened" would only multiply the states the oracle must consider.
        return engine != null;
      }
      stopped |= e instanceof EngineFailedException;
      oracle.failed(op);
      return engine != null;
    } catch (RuntimeException e) {
      violation = op + " threw a non-SPI exception: " + stack(e);
      return false;
    }
  }

  /** Whether the oracle's state is the store's: it knows the store and no step failed. */
  private boolean knows() {
    return knowsTheStore && oracle.exact();
  }

  /** Whether the last step applied was refused for a failed precondition. */
  boolean lastConflict() {
    return lastConflict;
  }

  /** Whether the last step applied was acknowledged (rather than failed). */
  boolean lastAcked() {
    return lastAcked;
  }

  private static boolean isWrite(Op op) {
    return switch (op) {
      case Op.Put p -> true;
      case Op.Delete d -> true;
      case Op.DeleteRange r -> true;
      case Op.Batch b -> true;
      case Op.CreateKeyspace c -> true;
      case Op.DropKeyspace d -> true;
      default -> false;
    };
  }

  /** Whether {@code op} names a keyspace other than the default one. */
  private static boolean namesKeyspaces(Op op) {
    return switch (op) {
      case Op.Put p -> !p.keyspace().equals(Keyspace.DEFAULT);
      case Op.Delete d -> !d.keyspace().equals(Keyspace.DEFAULT);
      case Op.DeleteRange r -> !r.keyspace().equals(Keyspace.DEFAULT);
      case Op.Batch b -> !b.keyspaces().equals(java.util.Set.of(Keyspace.DEFAULT));
      case Op.CreateKeyspace c -> true;
      case Op.DropKeyspace d -> true;
      default -> false;
    };
  }

  private void checkRead(Op.Get g) {
    byte[] v = engine.get(g.key());
    Integer got = v == null ? null : Values.state(g.key(), v);
    if (got != null && got == Values.FOREIGN) {
      violation = g + " returned a value that was never written for that key";
    } else if (knows()) {
      Integer want = oracle.current().get(Op.name(g.key()));
      if (!java.util.Objects.equals(want, got)) {
        violation =
            g
                + " read "
                + Values.describe(got)
                + " but the last write left "
                + Values.describe(want);
      }
    }
  }

  /** Closes the engine, ignoring what it throws (after a power cut, closing fails). */
  void abandon() {
    if (engine != null) {
      try {
        engine.close();
      } catch (RuntimeException ignored) {
        // the "process" died; nothing it does now counts
      }
      engine = null;
    }
  }

  /** Closes the engine; a failure to close is a violation only if it is not an SPI exception. */
  void close() {
    if (engine != null) {
      try {
        engine.close();
      } catch (StorageException e) {
        // allowed: close reports final write failures
      } catch (RuntimeException e) {
        violation = "close threw a non-SPI exception: " + stack(e);
      }
      engine = null;
    }
  }

  /**
   * Reads the whole store of an open engine, every keyspace of it, as key name to {@linkplain
   * Values#state state} and keyspace marker to {@link Values#KEYSPACE} (see {@link Op}), checking
   * that every value is one written for its key and that get agrees with the cursor for each of
   * {@code keys}, then runs the consistency check.
   *
   * @return null when all is well, else the problem
   */
  static String readState(StorageEngine engine, List<byte[]> keys, Map<String, Integer> out) {
    for (String keyspace : engine.keyspaces()) {
      ReadView view;
      if (keyspace.equals(Keyspace.DEFAULT)) {
        view = engine;
      } else {
        view = engine.keyspace(keyspace);
        out.put(Op.marker(keyspace), Values.KEYSPACE);
      }
      String problem = readKeyspace(view, keyspace, keys, out);
      if (problem != null) {
        return problem;
      }
    }
    ConsistencyReport report = engine.checkConsistency();
    if (!report.isConsistent()) {
      return "the consistency check failed: " + report.problems();
    }
    return null;
  }

  private static String readKeyspace(
      ReadView view, String keyspace, List<byte[]> keys, Map<String, Integer> out) {
    Map<String, byte[]> seen = new TreeMap<>();
    try (Cursor c = view.cursor()) {
      while (c.next()) {
        byte[] k = c.key();
        byte[] v = c.value();
        String name = Op.name(keyspace, k);
        int state = Values.state(Op.valueKey(keyspace, k), v);
        if (state == Values.FOREIGN) {
          return "the store returns a value for " + name + " that was never written for it";
        }
        out.put(name, state);
        seen.put(name, v);
      }
    }
    for (byte[] k : keys) {
      byte[] v = view.get(k);
      byte[] c = seen.get(Op.name(keyspace, k));
      if (!Arrays.equals(v, c)) {
        return "get(" + Op.name(keyspace, k) + ") and the cursor disagree";
      }
    }
    return null;
  }

  /** A throwable and its causes, with a few frames each, for failure messages. */
  static String stack(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 6000; c = c.getCause()) {
      sb.append(c == t ? "" : "\n  caused by: ").append(c);
      StackTraceElement[] frames = c.getStackTrace();
      for (int i = 0; i < Math.min(16, frames.length); i++) {
        sb.append("\n    at ").append(frames[i]);
      }
    }
    return sb.toString();
  }
}
