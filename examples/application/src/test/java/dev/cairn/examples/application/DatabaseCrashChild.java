package dev.cairn.examples.application;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.runtime.database.Database;
import dev.cairn.spi.Durability;
import dev.cairn.spi.WriteBatch;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link DatabaseCrashTest}: opens the three-keyspace database and writes until it
 * is killed, each write {@code SYNC}. Before a write it prints {@code BEGIN <step> <write>} and
 * after it {@code ACK <step>}, each line flushed, on standard output (which the parent sends to a
 * file, so no line is lost with the process).
 *
 * <p>A write is {@code put <keyspace> <key> <value>}, {@code delete <keyspace> <key>}, or {@code
 * batch <keyspace> <key>=<value>,<key>=<value>,...} (atomic, in one keyspace).
 *
 * <p>Arguments: database directory, seed, first step.
 */
public final class DatabaseCrashChild {

  static final String[] KEYSPACES = {"sessions", "events", "catalog"};
  static final int KEYS = 64;

  private DatabaseCrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    long step = Long.parseLong(args[2]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, UTF_8);
    SplittableRandom rnd = new SplittableRandom(seed ^ (step * 0x9E3779B97F4A7C15L));
    try (Database db = DatabaseCrashTest.open(dir)) {
      out.println("READY");
      out.flush();
      for (; ; step++) {
        String keyspace = KEYSPACES[rnd.nextInt(KEYSPACES.length)];
        int kind = rnd.nextInt(10);
        String value = "v" + step;
        if (kind < 6) {
          String key = "k" + rnd.nextInt(KEYS);
          announce(out, step, "put " + keyspace + " " + key + " " + value);
          db.keyspace(keyspace).put(key.getBytes(UTF_8), value.getBytes(UTF_8), Durability.SYNC);
        } else if (kind < 8) {
          String key = "k" + rnd.nextInt(KEYS);
          announce(out, step, "delete " + keyspace + " " + key);
          db.keyspace(keyspace).delete(key.getBytes(UTF_8), Durability.SYNC);
        } else {
          WriteBatch batch = new WriteBatch();
          StringBuilder line = new StringBuilder("batch " + keyspace + " ");
          int n = rnd.nextInt(2, 6);
          java.util.Set<String> keys = new java.util.TreeSet<>();
          while (keys.size() < n) {
            keys.add("k" + rnd.nextInt(KEYS));
          }
          for (String key : keys) {
            batch.put(key.getBytes(UTF_8), (value + "-" + key).getBytes(UTF_8));
            line.append(key).append('=').append(value).append('-').append(key).append(',');
          }
          line.setLength(line.length() - 1);
          announce(out, step, line.toString());
          db.keyspace(keyspace).write(batch, Durability.SYNC);
        }
        out.println("ACK " + step);
        out.flush();
      }
    }
  }

  private static void announce(PrintStream out, long step, String write) {
    out.println("BEGIN " + step + " " + write);
    out.flush();
  }
}
