package dev.cairn.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} for a subcommand (the version option belongs to {@code cairn} alone). */
final class HelpOption {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;
}
