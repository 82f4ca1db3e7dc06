package dev.cairn.cli;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cairn check}: runs the engine's offline consistency check on a store. */
@Command(
    name = "check",
    description = {
      "Checks a store's consistency with its engine's checker (records reachable once,"
          + " checksums valid, keys ordered), opening it read-only.",
      "On success prints the number of keys, and how many items the check examined (records,"
          + " pages, files or index entries, as the engine counts them). Prints each problem and"
          + " exits with 1 when there are any."
    })
final class CheckCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Mixin StoreOptions store;

  @Mixin WaitOption wait;

  @Override
  public Integer call() {
    ConsistencyReport report;
    long keys = 0;
    try (StorageEngine engine =
        wait.open(() -> store.open(root.registry(), StoreOptions.Access.READ))) {
      report = engine.checkConsistency();
      if (report.isConsistent()) {
        keys = countKeys(engine);
      }
    }
    String examined = "the engine's check examined " + count(report.itemsChecked(), "item");
    PrintWriter out = spec.commandLine().getOut();
    if (report.isConsistent()) {
      out.println(
          "ok: "
              + store.dir
              + " is consistent: "
              + count(keys, "key")
              + "; "
              + examined
              + " (records, pages, files or index entries, as the engine counts them)");
      out.flush();
      return ExitCodes.OK;
    }
    report.problems().forEach(p -> out.println("problem: " + p));
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "cairn check: "
            + count(report.problems().size(), "problem")
            + " in "
            + store.dir
            + " ("
            + examined
            + ")");
    err.flush();
    return ExitCodes.NOT_FOUND;
  }

  /**
   * The live keys, counted with a cursor over the whole store. NB: the checker's item count is the
   * engine's own unit (the hash engine counts every record of every data file and every index
   * entry, so three keys can make seven items); keys are what a user put.
   */
  private static long countKeys(StorageEngine engine) {
    long n = 0;
    try (Cursor c = engine.cursor(KeyRange.all(), Direction.FORWARD)) {
      while (c.next()) {
        n++;
      }
    }
    return n;
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
