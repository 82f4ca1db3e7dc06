package dev.cairn.cli;

/**
 * The {@code cairn} process: runs the command line and exits with its code.
 *
 * <p>The only place in Cairn that calls {@link System#exit}.
 */
public final class Main {

  private Main() {}

  /**
   * Runs {@code cairn} with {@code args} over the engines installed in this JVM and exits with the
   * command's exit code (see docs/cli.md).
   */
  public static void main(String[] args) {
    System.exit(CairnCommand.commandLine(new CairnCommand()).execute(args));
  }
}
