package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseKeyspace;
import dev.cairn.runtime.database.KeyspaceInfo;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StoreLockedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn stats}: a store's statistics and meters, once or refreshing.
 *
 * <p>Design (decision 0019). Engines lock their directory, so a store another process holds cannot
 * be opened to ask it; that process publishes instead, when opened with {@code
 * StoreBuilder.statisticsFile(Duration)}: its statistics and meters in {@value #FILE_NAME} in the
 * store's directory ({@code docs/formats/store-statistics.md}), rewritten every interval. This
 * command reads that file while it is fresh (its writer alive and its last write within three of
 * its intervals), and otherwise opens the store itself, read-only, and asks the engine; a store
 * held by a process that does not publish is explained, not waited for.
 */
@Command(
    name = "stats",
    description = {
      "Prints a store's statistics (keys, disk and memory bytes, the engine's details) and, when"
          + " a process holding the store publishes them, its meters.",
      "A live store is read from the statistics file its process writes (StoreBuilder"
          + ".statisticsFile); a store no process holds is opened read-only."
    })
final class StatsCommand implements Callable<Integer> {

  /** The file a live store's process writes: {@code docs/formats/store-statistics.md}. */
  static final String FILE_NAME = "CAIRN-STATS.json";

  /** The format version this command reads. */
  static final int VERSION = 1;

  private static final ObjectMapper READER = new ObjectMapper();
  private static final String CLEAR = "\033[H\033[2J";

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "The store's directory (or --db for a database's keyspaces).")
  Path dir;

  @Option(
      names = "--db",
      paramLabel = "DIR",
      description =
          "A database instead of a store: the statistics of each of its keyspaces (of --keyspace"
              + " alone, when given), opened read-only.")
  Path db;

  @Option(
      names = {"-k", "--keyspace"},
      paramLabel = "NAME",
      description = "With --db: this keyspace only.")
  String keyspace;

  @Option(
      names = "--watch",
      description =
          "Refresh every interval until interrupted (or --count refreshes): in place on a"
              + " terminal, one table after another otherwise.")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = WaitOption.Parse.class,
      description = "Time between refreshes with --watch (such as 500ms, 2s); default 1s.")
  WaitOption.Limit interval = new WaitOption.Limit(Duration.ofSeconds(1), "1s");

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "With --watch, stop after N refreshes. Default: until interrupted.")
  long count = Long.MAX_VALUE;

  @Option(
      names = "--json",
      description = "One JSON object per refresh, each on one line (docs/cli.md, 'stats').")
  boolean json;

  /** The store this command opened itself, when no live process publishes it; null if none. */
  private StorageEngine opened;

  /** With --db: the database, opened read-only by the first refresh. */
  private Database database;

  @Override
  public Integer call() throws InterruptedException {
    if ((dir == null) == (db == null)) {
      throw new ParameterException(
          spec.commandLine(),
          dir == null
              ? "name a store's directory, or a database with --db DIR"
              : "name a store's directory or a database (--db), not both");
    }
    if (keyspace != null && db == null) {
      throw new ParameterException(
          spec.commandLine(), "--keyspace needs --db: a database's keyspace");
    }
    if (db != null) {
      if (!Files.isDirectory(db)) {
        throw new ParameterException(
            spec.commandLine(),
            "no database at "
                + db
                + ": "
                + (Files.exists(db) ? "not a directory" : "no such directory"));
      }
    } else if (!Files.isDirectory(dir)) {
      throw new ParameterException(
          spec.commandLine(),
          "no store at "
              + dir
              + ": "
              + (Files.exists(dir) ? "not a directory" : "no such directory"));
    }
    if (interval.duration().compareTo(Duration.ofMillis(10)) < 0) {
      throw new ParameterException(spec.commandLine(), "--interval must be at least 10ms");
    }
    if (count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean terminal = System.console() != null && System.console().isTerminal();
    try {
      long n = watch ? count : 1;
      for (long i = 0; i < n; i++) {
        if (i > 0) {
          Thread.sleep(interval.duration());
        }
        ObjectNode sample = db != null ? databaseSample() : sample();
        if (json) {
          out.println(sample.toString());
        } else {
          if (watch && terminal) {
            out.print(CLEAR);
          } else if (i > 0) {
            out.println();
          }
          out.print(db != null ? databaseTable(sample) : table(sample));
        }
        out.flush();
      }
    } finally {
      if (opened != null) {
        opened.close();
      }
      if (database != null) {
        database.close();
      }
    }
    return ExitCodes.OK;
  }

  /**
   * One refresh of a database: each keyspace's statistics and health (for a keyspace in a shared
   * store, its engine keyspace's statistics and the shared store's health), from the database
   * opened read-only.
   */
  private ObjectNode databaseSample() {
    if (database == null) {
      try {
        database = root.registry().database(db).createIfMissing(false).readOnly(true).open();
      } catch (StoreLockedException e) {
        throw new StoreLockedException(
            e.getMessage()
                + "; a database another process holds is not opened here: that process can"
                + " publish each store's statistics (StoreBuilder.statisticsFile), read with"
                + " 'cairn stats STORE-DIR' (the store directories: 'cairn db keyspaces DIR')",
            e);
      }
    }
    List<KeyspaceInfo> keyspaces = database.describe();
    if (keyspace != null) {
      keyspaces = keyspaces.stream().filter(k -> k.name().equals(keyspace)).toList();
      if (keyspaces.isEmpty()) {
        throw new InvalidArgumentException(
            "no keyspace '"
                + keyspace
                + "' in the database at "
                + db
                + "; it has "
                + database.keyspaceNames());
      }
    }
    ObjectNode o = Json.NODES.objectNode();
    o.put("format", "cairn-database-statistics");
    o.put("version", VERSION);
    o.put("database", db.toAbsolutePath().normalize().toString());
    long now = System.currentTimeMillis();
    o.put("written", Instant.ofEpochMilli(now).toString());
    o.put("writtenMillis", now);
    ArrayNode list = o.putArray("keyspaces");
    for (KeyspaceInfo k : keyspaces) {
      DatabaseKeyspace handle = database.keyspace(k.name());
      ObjectNode ks = describe(handle.statistics(), handle.store().health(), k.engine(), k.store());
      ks.put("keyspace", k.name());
      ks.put("engineKeyspace", k.engineKeyspace());
      if (k.shared()) {
        ks.put("sharedStore", k.sharedStore());
      }
      ks.put("source", "opened");
      list.add(ks);
    }
    return o;
  }

  /** The plain tables of a database's refresh, one per keyspace. */
  static String databaseTable(JsonNode s) {
    StringBuilder b = new StringBuilder();
    b.append("database ").append(s.path("database").asText());
    b.append("  (opened read-only at ").append(s.path("written").asText()).append(")\n");
    for (JsonNode k : s.path("keyspaces")) {
      b.append('\n');
      b.append("keyspace ").append(k.path("keyspace").asText());
      if (k.has("sharedStore")) {
        b.append("  (engine keyspace ")
            .append(k.path("engineKeyspace").asText())
            .append(" of shared store '")
            .append(k.path("sharedStore").asText())
            .append("')");
      }
      b.append('\n');
      b.append(table(k, false));
    }
    return b.toString();
  }

  /** One refresh: from the live store's file while it is fresh, else from the store itself. */
  private ObjectNode sample() {
    Path file = dir.resolve(FILE_NAME);
    ObjectNode published = opened == null ? readFile(file) : null;
    String stale = published == null ? null : staleness(published);
    if (published != null && stale == null) {
      published.put("source", "file");
      return published;
    }
    if (opened == null) {
      try {
        opened = root.registry().store(dir).createIfMissing(false).readOnly(true).open();
      } catch (StoreLockedException e) {
        throw new StoreLockedException(
            e.getMessage()
                + "; "
                + (stale != null
                    ? "its statistics file " + file + " is stale (" + stale + ")"
                    : "the process holding it publishes no statistics: open the store with"
                        + " StoreBuilder.statisticsFile(Duration) for cairn stats to read them"
                        + " (docs/observability.md)"),
            e);
      }
    }
    return fromStore(opened);
  }

  /** The file's object, or null when there is none, or it is torn or of another format. */
  private static ObjectNode readFile(Path file) {
    try {
      JsonNode node = READER.readTree(Files.readString(file));
      if (node instanceof ObjectNode o
          && "cairn-store-statistics".equals(o.path("format").asText())
          && o.path("version").asInt() == VERSION) {
        return o;
      }
      return null;
    } catch (NoSuchFileException e) {
      return null;
    } catch (JsonProcessingException e) {
      return null; // NB: a crash can leave it empty or torn (it is not synced): as good as none
    } catch (IOException e) {
      return null;
    }
  }

  /** Why the file no longer describes a live store, or null while it does. */
  private static String staleness(ObjectNode file) {
    long pid = file.path("pid").asLong(-1);
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return "its writer, process " + pid + ", is gone";
    }
    long age = System.currentTimeMillis() - file.path("writtenMillis").asLong(0);
    long limit = Math.max(3 * file.path("intervalMillis").asLong(0), 3000);
    if (age > limit) {
      return "written "
          + age
          + " ms ago by process "
          + pid
          + ", which writes every "
          + file.path("intervalMillis").asLong(0)
          + " ms";
    }
    return null;
  }

  /** The same shape as the file, from a store this command opened: no meters, and its health. */
  private ObjectNode fromStore(StorageEngine store) {
    ObjectNode o =
        describe(
            store.statistics(),
            store.health(),
            root.registry().recordedEngine(dir).orElse(""),
            dir);
    o.put("source", "opened");
    return o;
  }

  /** A store's (or keyspace's) statistics and health in the file's shape, without meters. */
  private static ObjectNode describe(EngineStatistics s, Health h, String engine, Path where) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("format", "cairn-store-statistics");
    o.put("version", VERSION);
    o.put("engine", engine);
    o.put("store", where.toAbsolutePath().normalize().toString());
    o.put("directory", where.toAbsolutePath().normalize().toString());
    long now = System.currentTimeMillis();
    o.put("written", Instant.ofEpochMilli(now).toString());
    o.put("writtenMillis", now);
    ObjectNode st = o.putObject("statistics");
    st.put("approximateKeys", s.approximateKeys());
    st.put("diskBytes", s.diskBytes());
    st.put("memoryBytes", s.memoryBytes());
    ObjectNode details = st.putObject("details");
    s.details().forEach(details::put);
    ObjectNode health = o.putObject("health");
    health.put("status", h.status().name());
    health.put("backgroundErrors", h.backgroundErrors());
    ArrayNode problems = health.putArray("problems");
    h.problems().forEach(problems::add);
    o.putArray("meters");
    return o;
  }

  /** The plain table of one sample. */
  static String table(JsonNode s) {
    return table(s, true);
  }

  private static String table(JsonNode s, boolean when) {
    StringBuilder b = new StringBuilder();
    b.append("store ").append(s.path("directory").asText());
    b.append("  engine ").append(s.path("engine").asText());
    if (!when) {
      // the database's heading says when
    } else if (s.path("source").asText().equals("file")) {
      b.append("  (published by process ").append(s.path("pid").asLong());
      b.append(" at ").append(s.path("written").asText()).append(")");
    } else {
      b.append("  (opened read-only at ").append(s.path("written").asText()).append(")");
    }
    b.append('\n');
    JsonNode st = s.path("statistics");
    if (st.isMissingNode() || st.isNull()) {
      b.append("statistics unavailable: the engine's statistics() failed\n");
    } else {
      row(b, "approximate keys", number(st.path("approximateKeys")));
      row(b, "disk bytes", number(st.path("diskBytes")));
      row(b, "memory bytes", number(st.path("memoryBytes")));
      for (Map.Entry<String, JsonNode> d : st.path("details").properties()) {
        row(b, d.getKey(), number(d.getValue()));
      }
    }
    JsonNode health = s.path("health");
    if (!health.isMissingNode()) {
      row(b, "health", health.path("status").asText());
      for (JsonNode p : health.path("problems")) {
        row(b, "  problem", p.asText());
      }
    }
    JsonNode meters = s.path("meters");
    if (meters.size() > 0) {
      b.append("meters\n");
      for (JsonNode m : meters) {
        StringBuilder name = new StringBuilder(m.path("name").asText());
        m.path("tags")
            .properties()
            .forEach(
                t -> name.append(' ').append(t.getKey()).append('=').append(t.getValue().asText()));
        StringBuilder values = new StringBuilder();
        m.path("values")
            .properties()
            .forEach(
                v ->
                    values
                        .append(values.isEmpty() ? "" : "  ")
                        .append(v.getKey())
                        .append(' ')
                        .append(number(v.getValue())));
        row(b, "  " + name, values.toString());
      }
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append(String.format(Locale.ROOT, "%-44s %s%n", name, value));
  }

  /** A figure with thousands separators; "unknown" for -1 and null. */
  private static String number(JsonNode n) {
    if (n.isNull() || n.isMissingNode() || (n.isIntegralNumber() && n.asLong() < 0)) {
      return "unknown";
    }
    if (n.isIntegralNumber()) {
      return String.format(Locale.ROOT, "%,d", n.asLong());
    }
    return String.format(Locale.ROOT, "%.6g", n.asDouble());
  }
}
