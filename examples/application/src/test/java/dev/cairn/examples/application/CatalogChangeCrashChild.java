package dev.cairn.examples.application;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import dev.cairn.spi.Durability;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child JVM of {@link CatalogChangeCrashTest}: adds keyspaces (on hash, lsm and btree in turn,
 * and in a shared lsm store), writes one value to each, and drops every other one (when its add
 * finished: a killed child's add in flight may not have), until it is killed. It prints {@code
 * BEGIN add <name>} / {@code ADDED <name>}, {@code WROTE <name>} and {@code BEGIN drop <name>} /
 * {@code DROPPED <name>}, each line flushed.
 *
 * <p>Arguments: database directory, first number.
 */
public final class CatalogChangeCrashChild {

  static final String[] ENGINES = {"hash", "lsm", "btree", "shared"};

  private CatalogChangeCrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, UTF_8);
    try (Database db = Cairn.database(dir).sharedStore("ledger", "lsm").open()) {
      out.println("READY");
      out.flush();
      for (; ; n++) {
        String name = "ks" + n;
        String engine = ENGINES[n % ENGINES.length];
        line(out, "BEGIN add " + name);
        if (engine.equals("shared")) {
          db.createKeyspaceIn(name, "ledger");
        } else {
          db.createKeyspace(name, engine);
        }
        line(out, "ADDED " + name);
        db.keyspace(name).put(name.getBytes(UTF_8), engine.getBytes(UTF_8), Durability.SYNC);
        line(out, "WROTE " + name);
        String drop = "ks" + (n - 1);
        // the previous keyspace is absent when this child began where a killed one's add of it
        // did not finish
        if (n % 2 == 1 && db.keyspaceNames().contains(drop)) {
          line(out, "BEGIN drop " + drop);
          db.dropKeyspace(drop);
          line(out, "DROPPED " + drop);
        }
      }
    }
  }

  private static void line(PrintStream out, String line) {
    out.println(line);
    out.flush();
  }
}
