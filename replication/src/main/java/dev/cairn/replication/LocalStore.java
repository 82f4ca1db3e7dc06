package dev.cairn.replication;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineInfo;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How a node opens its own store, and replaces it with a snapshot from another node: the engine it
 * runs (which may differ from the other nodes'), its settings, and where its files live.
 *
 * <p>Design. The store lives in {@code <data>/store}, apart from the Raft storage, because Ratis
 * replaces the whole state-machine directory when it installs a snapshot. A snapshot replaces the
 * store in three steps: the new store is built complete in {@code store.next} (the checkpoint's
 * files when it was written by this node's engine, else its entries copied into a fresh store of
 * this engine), then {@code store} is renamed to {@code store.prev} and {@code store.next} to
 * {@code store}, then {@code store.prev} is deleted. A crash between the renames leaves {@code
 * store.prev} alone, which {@link #open()} renames back: an older store, which the snapshot still
 * in the state-machine directory brings up to date again on start (its applied index is below the
 * snapshot's). An engine that is not durable keeps its store in memory and rebuilds it from the
 * latest snapshot on every start. Not thread-safe: the state machine calls it from one thread.
 */
final class LocalStore {

  private static final int COPY_BATCH_ENTRIES = 1_000;

  private final String engine;
  private final Map<String, String> settings;
  private final Path data;
  private final boolean durable;

  LocalStore(String engine, Map<String, String> settings, Path data) {
    EngineInfo info = Cairn.engines().info(engine);
    for (Capability needed :
        new Capability[] {Capability.ATOMIC_BATCHES, Capability.CONDITIONAL_WRITES}) {
      if (!info.has(needed)) {
        throw new InvalidArgumentException(
            "engine '"
                + engine
                + "' cannot be replicated: it lacks capability "
                + needed
                + " (a log entry and the applied index are one atomic, possibly conditional, batch)");
      }
    }
    this.engine = engine;
    this.settings = Map.copyOf(settings);
    this.data = data;
    this.durable = info.has(Capability.DURABLE);
  }

  String engine() {
    return engine;
  }

  boolean canCheckpoint() {
    return durable && Cairn.engines().info(engine).has(Capability.CHECKPOINTS);
  }

  private Path live() {
    return data.resolve("store");
  }

  private Path next() {
    return data.resolve("store.next");
  }

  private Path prev() {
    return data.resolve("store.prev");
  }

  /** Opens the node's store, creating it if missing, and finishing a replacement a crash cut. */
  StorageEngine open() throws IOException {
    if (!durable) {
      return Cairn.inMemory(engine).settings(settings).open();
    }
    Files.createDirectories(data);
    if (!Files.exists(live()) && Files.exists(prev())) {
      Files.move(prev(), live(), StandardCopyOption.ATOMIC_MOVE);
    }
    SnapshotDirectory.deleteTree(next());
    SnapshotDirectory.deleteTree(prev());
    return Cairn.store(live()).engine(engine).settings(settings).createIfMissing(true).open();
  }

  /**
   * Replaces the store with the checkpoint in {@code snapshot}: {@code current} is closed, and the
   * returned store holds exactly the checkpoint's entries.
   */
  StorageEngine replace(StorageEngine current, Path snapshot) throws IOException {
    Path staged = data.resolve("store.staged");
    Files.createDirectories(data);
    SnapshotDirectory.deleteTree(staged);
    SnapshotDirectory.deleteTree(next());
    copyTree(snapshot, staged);
    String recorded =
        Cairn.engines()
            .recordedEngine(staged)
            .orElseThrow(
                () ->
                    new IOException(
                        "snapshot " + snapshot + " has no store marker naming its engine"));
    if (durable && recorded.equals(engine)) {
      current.close();
      Files.move(staged, next(), StandardCopyOption.ATOMIC_MOVE);
      return swapIn();
    }
    try (StorageEngine source = Cairn.store(staged).readOnly(true).open()) {
      if (!durable) {
        current.close();
        StorageEngine fresh = Cairn.inMemory(engine).settings(settings).open();
        copyEntries(source, fresh);
        return fresh;
      }
      try (StorageEngine target =
          Cairn.store(next()).engine(engine).settings(settings).createIfMissing(true).open()) {
        copyEntries(source, target);
        target.flush();
      }
    } finally {
      SnapshotDirectory.deleteTree(staged);
    }
    current.close();
    return swapIn();
  }

  private StorageEngine swapIn() throws IOException {
    if (Files.exists(live())) {
      Files.move(live(), prev(), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(next(), live(), StandardCopyOption.ATOMIC_MOVE);
    SnapshotDirectory.deleteTree(prev());
    return Cairn.store(live()).engine(engine).settings(settings).open();
  }

  private static void copyEntries(StorageEngine source, StorageEngine target) {
    WriteBatch batch = new WriteBatch();
    try (Cursor c = source.cursor(KeyRange.all(), Direction.FORWARD)) {
      while (c.next()) {
        batch.put(c.key(), c.value());
        if (batch.size() >= COPY_BATCH_ENTRIES) {
          target.write(batch, Durability.BUFFERED);
          batch = new WriteBatch();
        }
      }
    }
    if (!batch.isEmpty()) {
      target.write(batch, Durability.BUFFERED);
    }
    target.flush();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.naturalOrder())::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().endsWith(SnapshotDirectory.MD5_SUFFIX)) {
          Files.copy(p, target);
          try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        }
      }
    }
  }
}
