package dev.cairn.runtime.transfer;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes a store's entries as an engine-neutral export stream ({@code
 * docs/formats/export-stream.md}): every keyspace, or those named, read from one snapshot.
 *
 * <pre>{@code
 * try (StorageEngine store = Cairn.store(dir).readOnly(true).open()) {
 *   TransferSummary s = StoreExport.of(store, Cairn.engines().info("lsm")).to(file);
 * }
 * }</pre>
 *
 * <p>Records come in the order the source's cursor yields them: key order for an engine with {@link
 * Capability#ORDERED_SCANS} (the stream's header says so), the engine's own order otherwise (the
 * hash engine's is its index's, stable for one snapshot but no order a reader may rely on). Every
 * keyspace is read from the same snapshot, so the stream is one consistent state of the store even
 * while others write to it. (An engine without {@link Capability#SNAPSHOTS} has each keyspace read
 * by a cursor of its own, which sees one state of that keyspace.)
 *
 * <p>Memory: one chunk of the stream (about 1 MiB, or one record when a record is larger), whatever
 * the store's size. Not thread-safe; one export at a time per instance.
 *
 * @since 1.2
 */
public final class StoreExport {

  private final StorageEngine store;
  private final EngineInfo source;
  private List<String> keyspaces;
  private Consumer<TransferProgress> progress = p -> {};
  private Clock clock = Clock.systemUTC();

  private StoreExport(StorageEngine store, EngineInfo source) {
    this.store = store;
    this.source = source;
  }

  /**
   * An export of {@code store}, whose engine {@code source} describes (its name and version go into
   * the stream's header; its {@code ORDERED_SCANS} says whether records are in key order).
   *
   * @throws InvalidArgumentException if an argument is null
   * @since 1.2
   */
  public static StoreExport of(StorageEngine store, EngineInfo source) {
    if (store == null || source == null) {
      throw new InvalidArgumentException("store and source engine are required");
    }
    return new StoreExport(store, source);
  }

  /**
   * Exports only these keyspaces, in the store's (sorted) order; default every keyspace.
   *
   * @throws InvalidArgumentException if {@code names} is null or empty, or holds a name that is not
   *     a keyspace name
   * @since 1.2
   */
  public StoreExport keyspaces(Collection<String> names) {
    if (names == null || names.isEmpty()) {
      throw new InvalidArgumentException("name at least one keyspace to export");
    }
    List<String> list = new ArrayList<>(new LinkedHashSet<>(names));
    list.forEach(Keyspace::checkName);
    this.keyspaces = list;
    return this;
  }

  /**
   * Who is told how far the export has got, after each chunk; default nobody.
   *
   * @throws InvalidArgumentException if {@code listener} is null
   * @since 1.2
   */
  public StoreExport progress(Consumer<TransferProgress> listener) {
    if (listener == null) {
      throw new InvalidArgumentException("progress listener is null");
    }
    this.progress = listener;
    return this;
  }

  /**
   * The clock whose time the header records as the export's creation; default UTC.
   *
   * @throws InvalidArgumentException if {@code clock} is null
   * @since 1.2
   */
  public StoreExport clock(Clock clock) {
    if (clock == null) {
      throw new InvalidArgumentException("clock is null");
    }
    this.clock = clock;
    return this;
  }

  /**
   * Writes the stream to {@code file}, which must not exist: first to {@code file}'s name with
   * {@code .partial} appended, then renamed to {@code file} once complete, so {@code file} only
   * ever names a whole stream. A failed export removes the partial file.
   *
   * @throws InvalidArgumentException if {@code file} is null or exists, or a keyspace named does
   *     not exist
   * @throws StorageIOException if writing fails
   * @throws StorageException if reading the store fails
   * @since 1.2
   */
  public TransferSummary to(Path file) {
    if (file == null) {
      throw new InvalidArgumentException("file is null");
    }
    if (Files.exists(file)) {
      throw new InvalidArgumentException(
          "export file " + file + " exists; name a new file (an export never overwrites one)");
    }
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    TransferSummary summary;
    try (OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            1 << 16)) {
      summary = to(out);
    } catch (FileAlreadyExistsException e) {
      throw new StorageIOException(
          "cannot export to "
              + file
              + ": "
              + partial
              + " exists (an export in progress, or one"
              + " that failed and left it); remove it and export again",
          e);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new StorageIOException("cannot write the export to " + partial, e);
    }
    try {
      try (var ch = java.nio.channels.FileChannel.open(partial, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StorageIOException("cannot rename " + partial + " to " + file, e);
    }
    return summary;
  }

  /**
   * Writes the stream to {@code out}, and flushes it; does not close it.
   *
   * @throws InvalidArgumentException if {@code out} is null, or a keyspace named does not exist
   * @throws StorageIOException if writing fails
   * @throws StorageException if reading the store fails
   * @since 1.2
   */
  public TransferSummary to(OutputStream out) {
    if (out == null) {
      throw new InvalidArgumentException("output stream is null");
    }
    List<String> present = store.keyspaces();
    List<String> names;
    if (keyspaces == null) {
      names = present;
    } else {
      List<String> missing = keyspaces.stream().filter(k -> !present.contains(k)).toList();
      if (!missing.isEmpty()) {
        throw new InvalidArgumentException(
            "no keyspace " + missing + " in the store to export; it has " + present);
      }
      names = present.stream().filter(keyspaces::contains).toList();
    }
    long expected = expectedEntries(names);
    StreamHeader header =
        new StreamHeader(
            source.name(),
            source.version(),
            Instant.ofEpochMilli(clock.millis()),
            source.has(Capability.ORDERED_SCANS),
            names);
    StreamWriter writer = new StreamWriter(out);
    long[] entries = new long[names.size()];
    long[] bytes = new long[names.size()];
    byte[][] digests = new byte[names.size()][];
    byte[] streamDigest;
    // NB: without SNAPSHOTS each keyspace is read by a cursor of its own, which sees one state of
    // that keyspace (the SPI's cursor contract) but not the same state as the others
    boolean snapshots = source.has(Capability.SNAPSHOTS);
    try (Snapshot snapshot = snapshots ? store.snapshot() : null) {
      writer.header(header);
      long total = 0;
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        ReadView view =
            snapshots
                ? snapshot.keyspace(name)
                : name.equals(Keyspace.DEFAULT) ? store : store.keyspace(name);
        writer.beginKeyspace(i);
        long reported = writer.written();
        try (Cursor c = view.cursor()) {
          while (c.next()) {
            writer.record(c.keyView(), c.valueView());
            total++;
            if (writer.written() != reported) {
              reported = writer.written();
              progress.accept(new TransferProgress(name, total, reported, expected, -1));
            }
          }
        }
        EntryDigest d = writer.endKeyspace();
        entries[i] = d.entries();
        bytes[i] = d.bytes();
        digests[i] = d.digest();
        progress.accept(new TransferProgress(name, total, writer.written(), expected, -1));
      }
      streamDigest = writer.trailer();
    } catch (IOException e) {
      throw new StorageIOException(
          "cannot write the export stream at byte offset " + writer.written(), e);
    }
    return TransferSummary.of(
        new StreamReader.Totals(header, entries, bytes, digests, streamDigest, writer.written()));
  }

  /** What the store's statistics estimate for {@code names}; -1 when it cannot say. */
  private long expectedEntries(List<String> names) {
    try {
      long n = 0;
      for (String name : names) {
        n +=
            name.equals(Keyspace.DEFAULT)
                ? store.statistics().approximateKeys()
                : store.keyspace(name).statistics().approximateKeys();
      }
      return n;
    } catch (ClosedHandleException e) {
      throw e;
    } catch (StorageException | UnsupportedOperationException e) {
      return -1; // an estimate only
    }
  }
}
