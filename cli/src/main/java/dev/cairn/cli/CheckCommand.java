package dev.cairn.cli;

import dev.cairn.spi.ConsistencyReport;
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
      "Prints each problem and exits with 1 when there are any."
    })
final class CheckCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Mixin StoreOptions store;

  @Override
  public Integer call() {
    ConsistencyReport report;
    try (StorageEngine engine = store.open(root.registry(), StoreOptions.Access.READ)) {
      report = engine.checkConsistency();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (report.isConsistent()) {
      out.println("ok: " + report.itemsChecked() + " items checked in " + store.dir);
      out.flush();
      return ExitCodes.OK;
    }
    report.problems().forEach(p -> out.println("problem: " + p));
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "cairn check: "
            + report.problems().size()
            + (report.problems().size() == 1 ? " problem" : " problems")
            + " in "
            + store.dir
            + " ("
            + report.itemsChecked()
            + " items checked)");
    err.flush();
    return ExitCodes.NOT_FOUND;
  }
}
