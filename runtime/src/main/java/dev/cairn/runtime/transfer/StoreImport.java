package dev.cairn.runtime.transfer;

import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads an export stream ({@code docs/formats/export-stream.md}) into a store, verifying it as it
 * goes: each chunk's checksum before its records are applied, each keyspace's and the whole
 * stream's counts and digests at their ends, and, by default, the target's own entries against the
 * stream's digests once everything is written.
 *
 * <pre>{@code
 * try (StorageEngine store = Cairn.store(dir).engine("btree").open()) {
 *   TransferSummary s = StoreImport.from(file).into(store);
 * }
 * }</pre>
 *
 * <p><b>What a failed import leaves.</b> Records are written in batches as the stream is read, so a
 * stream damaged or cut in the middle, or a store that fails, leaves the records of the batches
 * written before it (and the keyspaces the import created) in the target; {@link #into} then throws
 * instead of returning a summary, and nothing claims the store complete. Because {@link #into}
 * refuses a target keyspace that already holds entries, a retry needs a new store, or the target's
 * keyspaces emptied. {@link #intoNewStore} does this for the caller: it builds the store in a
 * staging directory beside the target and renames it into place only after the import verified, so
 * the target directory never holds a partial import; a failed one stays in the staging directory
 * ({@code <target>.importing}), as evidence, until someone removes it.
 *
 * <p>Memory: one chunk of the stream (at most {@value ExportFormat#MAX_PAYLOAD} bytes, whatever the
 * stream's length fields claim) and one write batch (at most the {@linkplain #batch batch limits}).
 * Not thread-safe; an instance reads its stream once.
 *
 * @since 1.2
 */
public final class StoreImport {

  /** The default batch limit in entries. */
  static final int DEFAULT_BATCH_ENTRIES = 10_000;

  /** The default batch limit in bytes of keys and values. */
  static final long DEFAULT_BATCH_BYTES = 4L << 20;

  private final Path file;
  private final InputStream given;
  private final String source;
  private final long size;
  private Durability durability = Durability.BUFFERED;
  private int batchEntries = DEFAULT_BATCH_ENTRIES;
  private long batchBytes = DEFAULT_BATCH_BYTES;
  private Consumer<TransferProgress> progress = p -> {};
  private boolean verifyTarget = true;
  private boolean used;
  private boolean changedTarget; // a keyspace created or a batch written

  private StoreImport(Path file, InputStream given, String source, long size) {
    this.file = file;
    this.given = given;
    this.source = source;
    this.size = size;
  }

  /**
   * An import of the stream in {@code file}; the file is opened by {@link #into}, {@link
   * #intoNewStore} or {@link #verify}, and closed by them.
   *
   * @throws InvalidArgumentException if {@code file} is null or not a readable regular file
   * @since 1.2
   */
  public static StoreImport from(Path file) {
    if (file == null) {
      throw new InvalidArgumentException("file is null");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidArgumentException(
          "no export stream at "
              + file
              + ": "
              + (Files.exists(file) ? "not a file" : "no such file"));
    }
    try {
      return new StoreImport(file, null, file.toString(), Files.size(file));
    } catch (IOException e) {
      throw new StorageIOException("cannot read the size of " + file, e);
    }
  }

  /**
   * An import of the stream {@code in}, which the caller closes; {@code name} names it in messages.
   *
   * @throws InvalidArgumentException if an argument is null
   * @since 1.2
   */
  public static StoreImport from(InputStream in, String name) {
    if (in == null || name == null) {
      throw new InvalidArgumentException("input stream and name are required");
    }
    return new StoreImport(null, in, name, -1);
  }

  /**
   * The durability of the import's batches; default {@link Durability#BUFFERED}, with one {@code
   * flush()} at the end, so the import is durable when {@link #into} returns either way.
   *
   * @throws InvalidArgumentException if {@code durability} is null
   * @since 1.2
   */
  public StoreImport durability(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    this.durability = durability;
    return this;
  }

  /**
   * How large a batch grows before it is written: at most {@code entries} entries and {@code bytes}
   * bytes of keys and values (a single larger record is a batch of its own); default {@value
   * #DEFAULT_BATCH_ENTRIES} entries and 4 MiB.
   *
   * @throws InvalidArgumentException if either is under 1 or over the SPI's batch limits
   * @since 1.2
   */
  public StoreImport batch(int entries, long bytes) {
    if (entries < 1
        || entries > Limits.MAX_BATCH_OPERATIONS
        || bytes < 1
        || bytes > Limits.MAX_BATCH_BYTES - ExportFormat.MAX_RECORD_SIZE) {
      throw new InvalidArgumentException(
          "batch limits must be 1 to "
              + Limits.MAX_BATCH_OPERATIONS
              + " entries and 1 to "
              + (Limits.MAX_BATCH_BYTES - ExportFormat.MAX_RECORD_SIZE)
              + " bytes, got "
              + entries
              + " and "
              + bytes);
    }
    this.batchEntries = entries;
    this.batchBytes = bytes;
    return this;
  }

  /**
   * Who is told how far the import has got, after each chunk; default nobody.
   *
   * @throws InvalidArgumentException if {@code listener} is null
   * @since 1.2
   */
  public StoreImport progress(Consumer<TransferProgress> listener) {
    if (listener == null) {
      throw new InvalidArgumentException("progress listener is null");
    }
    this.progress = listener;
    return this;
  }

  /**
   * Whether, after writing, the target's keyspaces are read back and their counts and
   * order-independent digests compared with the stream's (default true): one more scan of what was
   * imported, which catches a target that lost, changed or doubled entries, or another writer.
   *
   * @since 1.2
   */
  public StoreImport verifyTarget(boolean verify) {
    this.verifyTarget = verify;
    return this;
  }

  /**
   * Reads and verifies the whole stream without a store.
   *
   * @throws CorruptionException naming the frame and byte offset, if the stream is damaged or cut
   * @throws IncompatibleVersionException if a newer format wrote it
   * @throws StorageIOException if reading fails
   * @since 1.2
   */
  public TransferSummary verify() {
    try (Opened opened = open()) {
      StreamReader reader = opened.reader();
      reader.header();
      return TransferSummary.of(reader.readAll(reportingVisitor(reader, (ks, k, v) -> {})));
    } catch (IOException e) {
      throw new StorageIOException("cannot close " + source, e);
    }
  }

  /**
   * Imports the stream into {@code store}: creates each of its keyspaces the store lacks, writes
   * the records in batches, flushes, and verifies the target (see {@link #verifyTarget}).
   *
   * @return what was imported, once all of it is verified and durable
   * @throws InvalidArgumentException if {@code store} is null, or a keyspace of the stream already
   *     holds entries in the store (nothing is written)
   * @throws UnsupportedCapabilityException if the stream has keyspaces other than {@code default}
   *     and the store's engine has no {@code KEYSPACES} (nothing is written)
   * @throws CorruptionException naming the frame and byte offset, if the stream is damaged, cut, or
   *     disagrees with itself, or if the target does not hold what was written; part of the stream
   *     may be in the store (see the class comment)
   * @throws IncompatibleVersionException if a newer format wrote the stream
   * @throws StorageIOException if reading the stream fails
   * @throws StorageException if writing to the store fails
   * @since 1.2
   */
  public TransferSummary into(StorageEngine store) {
    if (store == null) {
      throw new InvalidArgumentException("store is null");
    }
    try (Opened opened = open()) {
      return importInto(opened.reader(), store);
    } catch (IOException e) {
      throw new StorageIOException("cannot close " + source, e);
    }
  }

  /**
   * Imports the stream into a new store at {@code directory}, which must not exist or be an empty
   * directory: {@code open} opens (creating) a store at a staging directory beside it, {@code
   * <directory>.importing}; the import runs there ({@link #into}), the store is closed, and the
   * staging directory is renamed to {@code directory}. A failure leaves the staging directory as it
   * is, and {@code directory} as it was.
   *
   * @param open opens a new store at the path it is given, such as {@code p ->
   *     Cairn.store(p).engine("lsm").open()}; the import closes it
   * @throws InvalidArgumentException if {@code directory} exists and is not an empty directory, or
   *     the staging directory exists (a failed import's, to be removed before trying again)
   * @throws StorageIOException if the rename fails
   * @throws StorageException as {@link #into} and {@code open} throw
   * @since 1.2
   */
  public TransferSummary intoNewStore(Path directory, Function<Path, StorageEngine> open) {
    if (directory == null || open == null) {
      throw new InvalidArgumentException("directory and open are required");
    }
    Path target = directory.toAbsolutePath();
    if (Files.exists(target) && !isEmptyDirectory(target)) {
      throw new InvalidArgumentException(
          "cannot import into "
              + directory
              + ": it exists and is not an empty directory; import into a new store");
    }
    Path staging = target.resolveSibling(target.getFileName() + ".importing");
    if (Files.exists(staging)) {
      throw new InvalidArgumentException(
          "cannot import into "
              + directory
              + ": "
              + staging
              + " exists, left by an import that did not finish; remove it and import again");
    }
    TransferSummary summary;
    try (Opened opened = open();
        StorageEngine store = open.apply(staging)) {
      summary = importInto(opened.reader(), store);
    } catch (IOException e) {
      throw new StorageIOException("cannot close " + source, e);
    } catch (RuntimeException e) {
      if (!changedTarget) {
        removeStaging(staging, e); // refused before anything was written: nothing to keep
      }
      throw e;
    }
    try {
      if (Files.exists(target)) {
        Files.delete(target); // empty, checked above
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new StorageIOException(
          "imported into " + staging + " but cannot rename it to " + directory, e);
    }
    return summary;
  }

  private TransferSummary importInto(StreamReader reader, StorageEngine store) {
    StreamHeader header = reader.header();
    List<String> names = header.keyspaces();
    prepare(store, names);
    Writer writer = new Writer(store, names);
    StreamReader.Totals totals = reader.readAll(reportingVisitor(reader, writer));
    writer.finish();
    if (durability == Durability.BUFFERED) {
      store.flush();
    }
    if (verifyTarget) {
      checkTarget(store, totals);
    }
    return TransferSummary.of(totals);
  }

  /**
   * Refuses a target that cannot take the stream, before anything is written; creates keyspaces.
   */
  private void prepare(StorageEngine store, List<String> names) {
    boolean others = names.stream().anyMatch(n -> !n.equals(Keyspace.DEFAULT));
    List<String> present = store.keyspaces();
    if (others) {
      try {
        store.keyspace(Keyspace.DEFAULT);
      } catch (UnsupportedCapabilityException e) {
        throw new UnsupportedCapabilityException(
            source
                + " holds keyspaces "
                + names
                + ", and the target store's engine does not declare "
                + Capability.KEYSPACES
                + ", so it has only 'default'; import into an engine with keyspaces",
            e);
      }
    }
    List<String> notEmpty = new ArrayList<>();
    for (String name : names) {
      if (present.contains(name)) {
        try (Cursor c = view(store, name).cursor()) {
          if (c.next()) {
            notEmpty.add(name);
          }
        }
      }
    }
    if (!notEmpty.isEmpty()) {
      throw new InvalidArgumentException(
          "the target store's keyspaces "
              + notEmpty
              + " already hold entries; an import writes only into empty keyspaces, so that what"
              + " it leaves is the stream's and nothing else (import into a new store)");
    }
    for (String name : names) {
      if (!present.contains(name)) {
        changedTarget = true;
        store.createKeyspace(name);
      }
    }
  }

  private void checkTarget(StorageEngine store, StreamReader.Totals totals) {
    List<String> names = totals.header().keyspaces();
    for (int i = 0; i < names.size(); i++) {
      EntryDigest d = new EntryDigest();
      try (Cursor c = view(store, names.get(i)).cursor()) {
        while (c.next()) {
          byte[] v = c.value();
          d.add(c.key(), v, 0, v.length);
        }
      }
      if (d.entries() != totals.entries()[i] || !Arrays.equals(d.digest(), totals.digests()[i])) {
        throw new CorruptionException(
            "after importing "
                + source
                + ", keyspace '"
                + names.get(i)
                + "' of the target holds "
                + d.entries()
                + " entries with digest "
                + EntryDigest.hex(d.digest())
                + ", but the stream held "
                + totals.entries()[i]
                + " with digest "
                + EntryDigest.hex(totals.digests()[i])
                + " (another writer, duplicate keys in the stream, or a target that lost or"
                + " changed entries)");
      }
    }
  }

  private static ReadView view(StorageEngine store, String name) {
    return name.equals(Keyspace.DEFAULT) ? store : store.keyspace(name);
  }

  private StreamReader.Visitor reportingVisitor(StreamReader reader, Entries entries) {
    return new StreamReader.Visitor() {
      long count;
      int keyspace;

      @Override
      public void entry(int ks, byte[] key, byte[] value) {
        entries.entry(ks, key, value);
        count++;
        keyspace = ks;
      }

      @Override
      public void frameRead(long offset) {
        progress.accept(
            new TransferProgress(reader.keyspaceName(keyspace), count, offset, -1, size));
      }
    };
  }

  /** Where records go. */
  @FunctionalInterface
  private interface Entries {
    void entry(int keyspace, byte[] key, byte[] value);
  }

  /** Batches records into the store. */
  private final class Writer implements Entries {
    private final StorageEngine store;
    private final List<String> names;
    private WriteBatch batch = new WriteBatch();

    Writer(StorageEngine store, List<String> names) {
      this.store = store;
      this.names = names;
    }

    @Override
    public void entry(int keyspace, byte[] key, byte[] value) {
      if (!batch.isEmpty()
          && (batch.size() >= batchEntries
              || batch.byteSize() + key.length + value.length > batchBytes)) {
        flushBatch();
      }
      batch.put(names.get(keyspace), key, value);
    }

    private void flushBatch() {
      changedTarget = true;
      store.write(batch, durability);
      batch = new WriteBatch();
    }

    void finish() {
      if (!batch.isEmpty()) {
        flushBatch();
      }
    }
  }

  /** The stream, opened once; closed after use when this import opened it (from a file). */
  private Opened open() {
    if (used) {
      throw new InvalidArgumentException("an import reads its stream once; make another");
    }
    used = true;
    if (file == null) {
      return new Opened(given, source, false);
    }
    try {
      return new Opened(new BufferedInputStream(Files.newInputStream(file), 1 << 16), source, true);
    } catch (IOException e) {
      throw new StorageIOException("cannot open " + file, e);
    }
  }

  private record Opened(InputStream in, String source, boolean owned) implements AutoCloseable {
    StreamReader reader() {
      return new StreamReader(in, source);
    }

    @Override
    public void close() throws IOException {
      if (owned) {
        in.close();
      }
    }
  }

  /**
   * Removes the staging directory of an import refused before it wrote anything (a stream whose
   * header is damaged, a target that cannot take its keyspaces): it holds an empty store only.
   */
  private static void removeStaging(Path staging, RuntimeException failure) {
    if (!Files.exists(staging)) {
      return;
    }
    try (Stream<Path> s = Files.walk(staging)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static boolean isEmptyDirectory(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new StorageIOException("cannot list " + p, e);
    }
  }
}
