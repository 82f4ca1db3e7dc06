package dev.cairn.cli;

/**
 * The process exit codes of {@code cairn}, documented in docs/cli.md and in {@code cairn --help}.
 *
 * <p>Scripts depend on these numbers: a constant never changes meaning.
 */
final class ExitCodes {

  /** The command did what was asked. */
  static final int OK = 0;

  /** The answer is "no": a key is absent, or a consistency check found problems. */
  static final int NOT_FOUND = 1;

  /** The command line was wrong: unknown option, bad value, unknown engine, bad argument. */
  static final int USAGE = 2;

  /** The store failed: I/O error, corruption, store locked, incompatible format, and so on. */
  static final int STORAGE = 3;

  /** A bug in cairn or in an engine: an exception outside the SPI's hierarchy. */
  static final int INTERNAL = 4;

  private ExitCodes() {}
}
