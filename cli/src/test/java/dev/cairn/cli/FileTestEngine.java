package dev.cairn.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A durable engine small enough to trust: every write rewrites {@value #FILE}, one {@code KEYHEX
 * VALUEHEX} line per entry in key order, through a temporary file and a rename. Lines that do not
 * parse are skipped on open and reported by {@link #checkConsistency()}, so tests can damage a
 * store by editing the file.
 *
 * <p>With keyspaces (the {@code testspaces} engine), each keyspace but the default one is a file
 * {@code keyspace-NAME.txt} of the same lines, created and deleted with the keyspace.
 */
final class FileTestEngine implements StorageEngine {

  static final String FILE = "entries.txt";
  private static final HexFormat HEX = HexFormat.of();

  private final String name;
  private final Path file;
  private final boolean readOnly;
  private final Durability defaultDurability;
  private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
  private final boolean keyspaces;
  private final TreeMap<String, TreeMap<byte[], byte[]>> others = new TreeMap<>();
  private boolean closed;

  FileTestEngine(String name, EngineOptions options, boolean keyspaces) {
    this.name = name;
    this.keyspaces = keyspaces;
    Path dir = options.requireDirectory(name);
    this.file = dir.resolve(FILE);
    this.readOnly = options.readOnly();
    this.defaultDurability = options.defaultDurability();
    if (options.bool(FileTestEngineProvider.FAIL_OPEN)) {
      throw new StorageIOException("simulated failure opening " + file);
    }
    try {
      if (!Files.isDirectory(dir)) {
        if (!options.createIfMissing()) {
          throw new InvalidStateException("no store at " + dir);
        }
        Files.createDirectories(dir);
      }
      if (Files.exists(file)) {
        read(file, entries);
      }
      if (keyspaces) {
        try (var files = Files.newDirectoryStream(dir, "keyspace-*.txt")) {
          for (Path f : files) {
            String fileName = f.getFileName().toString();
            TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
            read(f, map);
            others.put(fileName.substring("keyspace-".length(), fileName.length() - 4), map);
          }
        }
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void read(Path file, TreeMap<byte[], byte[]> into) throws IOException {
    for (String line : Files.readAllLines(file, US_ASCII)) {
      byte[][] kv = parse(line);
      if (kv != null) {
        into.put(kv[0], kv[1]);
      }
    }
  }

  /** {key, value} of a well-formed line, else null. */
  private static byte[][] parse(String line) {
    String[] parts = line.split(" ", -1);
    if (parts.length != 2) {
      return null;
    }
    try {
      return new byte[][] {HEX.parseHex(parts[0]), HEX.parseHex(parts[1])};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private synchronized void save() {
    save(file, entries);
  }

  private static void save(Path file, TreeMap<byte[], byte[]> entries) {
    List<String> lines = new ArrayList<>();
    entries.forEach((k, v) -> lines.add(HEX.formatHex(k) + " " + HEX.formatHex(v)));
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, lines, US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StorageIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private Path keyspaceFile(String keyspace) {
    return file.resolveSibling("keyspace-" + keyspace + ".txt");
  }

  @Override
  public synchronized List<String> keyspaces() {
    checkOpen();
    List<String> names = new ArrayList<>(others.keySet());
    names.add(Keyspace.DEFAULT);
    names.sort(null);
    return names;
  }

  @Override
  public synchronized Keyspace keyspace(String keyspace) {
    checkOpen();
    if (!keyspaces) {
      return StorageEngine.super.keyspace(keyspace);
    }
    if (keyspace.equals(Keyspace.DEFAULT)) {
      return new FileKeyspace(keyspace, entries);
    }
    TreeMap<byte[], byte[]> map = others.get(keyspace);
    if (map == null) {
      throw new InvalidArgumentException("no keyspace '" + keyspace + "'");
    }
    return new FileKeyspace(keyspace, map);
  }

  @Override
  public synchronized Keyspace createKeyspace(String keyspace) {
    checkWritable();
    if (!keyspaces) {
      return StorageEngine.super.createKeyspace(keyspace);
    }
    if (keyspace.equals(Keyspace.DEFAULT) || others.containsKey(keyspace)) {
      throw new InvalidArgumentException("keyspace '" + keyspace + "' exists");
    }
    TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    save(keyspaceFile(keyspace), map);
    others.put(keyspace, map);
    return new FileKeyspace(keyspace, map);
  }

  @Override
  public synchronized void dropKeyspace(String keyspace) {
    checkWritable();
    if (!keyspaces) {
      StorageEngine.super.dropKeyspace(keyspace);
      return;
    }
    if (others.remove(keyspace) == null) {
      throw new InvalidArgumentException("no keyspace '" + keyspace + "' to drop");
    }
    try {
      Files.delete(keyspaceFile(keyspace));
    } catch (IOException e) {
      throw new StorageIOException("cannot drop " + keyspace + ": " + e.getMessage(), e);
    }
  }

  /** A keyspace: one of the maps, saved to its file on every write. */
  private final class FileKeyspace implements Keyspace {
    private final String keyspace;
    private final TreeMap<byte[], byte[]> map;

    FileKeyspace(String keyspace, TreeMap<byte[], byte[]> map) {
      this.keyspace = keyspace;
      this.map = map;
    }

    private Path file() {
      return keyspace.equals(Keyspace.DEFAULT) ? file : keyspaceFile(keyspace);
    }

    @Override
    public String name() {
      return keyspace;
    }

    @Override
    public StorageEngine store() {
      return FileTestEngine.this;
    }

    @Override
    public byte[] get(byte[] key) {
      synchronized (FileTestEngine.this) {
        checkOpen();
        byte[] v = map.get(key);
        return v == null ? null : v.clone();
      }
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      synchronized (FileTestEngine.this) {
        checkOpen();
        return cursorOver(map, range, direction);
      }
    }

    @Override
    public void put(byte[] key, byte[] value, Durability durability) {
      synchronized (FileTestEngine.this) {
        checkWritable();
        map.put(key.clone(), value.clone());
        save(file(), map);
      }
    }

    @Override
    public void delete(byte[] key, Durability durability) {
      synchronized (FileTestEngine.this) {
        checkWritable();
        if (map.remove(key) != null) {
          save(file(), map);
        }
      }
    }

    @Override
    public EngineStatistics statistics() {
      synchronized (FileTestEngine.this) {
        checkOpen();
        return new EngineStatistics(map.size(), 0, 0, Map.of());
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException(name + " store is closed");
    }
  }

  private void checkWritable() {
    checkOpen();
    if (readOnly) {
      throw new ReadOnlyStoreException(name + " store is open read-only");
    }
  }

  @Override
  public synchronized byte[] get(byte[] key) {
    checkOpen();
    byte[] v = entries.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    return cursorOver(entries, range, direction);
  }

  private static Cursor cursorOver(
      TreeMap<byte[], byte[]> entries, KeyRange range, Direction direction) {
    List<Map.Entry<byte[], byte[]>> visit = new ArrayList<>();
    entries.forEach(
        (k, v) -> {
          if (range.contains(k)) {
            visit.add(Map.entry(k.clone(), v.clone()));
          }
        });
    return new ListCursor(visit, direction);
  }

  @Override
  public Durability defaultDurability() {
    return defaultDurability;
  }

  @Override
  public synchronized void put(byte[] key, byte[] value, Durability durability) {
    checkWritable();
    entries.put(key.clone(), value.clone());
    save();
  }

  @Override
  public synchronized void delete(byte[] key, Durability durability) {
    checkWritable();
    if (entries.remove(key) != null) {
      save();
    }
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    throw new UnsupportedCapabilityException(name + " has no atomic batches");
  }

  @Override
  public Snapshot snapshot() {
    throw new UnsupportedCapabilityException(name + " has no snapshots");
  }

  @Override
  public void flush() {
    checkOpen();
  }

  @Override
  public void checkpoint(Path target) {
    throw new UnsupportedCapabilityException(name + " has no checkpoints");
  }

  @Override
  public synchronized EngineStatistics statistics() {
    checkOpen();
    return new EngineStatistics(entries.size(), 0, 0, Map.of());
  }

  /** Every line parses, and keys strictly ascend. */
  @Override
  public synchronized ConsistencyReport checkConsistency() {
    checkOpen();
    if (!Files.exists(file)) {
      return ConsistencyReport.ok(0);
    }
    List<String> problems = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, US_ASCII);
    } catch (IOException e) {
      throw new StorageIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    byte[] previous = null;
    for (int i = 0; i < lines.size(); i++) {
      byte[][] kv = parse(lines.get(i));
      if (kv == null) {
        problems.add(FILE + " line " + (i + 1) + ": malformed");
        continue;
      }
      if (previous != null && Arrays.compareUnsigned(previous, kv[0]) >= 0) {
        problems.add(FILE + " line " + (i + 1) + ": key out of order");
      }
      previous = kv[0];
    }
    return new ConsistencyReport(lines.size(), problems);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
