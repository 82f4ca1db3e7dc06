package dev.cairn.bench.cli;

import picocli.CommandLine;

/**
 * Runs {@link BenchCommand} on its own, until the {@code cairn} command registers it as {@code
 * cairn bench}: {@code java -p <module path> -m dev.cairn.bench/dev.cairn.bench.cli.BenchMain}.
 */
public final class BenchMain {

  private BenchMain() {}

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }
}
