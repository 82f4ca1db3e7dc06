package dev.cairn.conformance.fs;

/** How much of what was not yet durable a simulated crash keeps. */
public enum CrashMode {
  /** Only what was forced: the strictest power cut. */
  DURABLE_ONLY,
  /**
   * Everything the operating system had, including writes a failed force dropped: a crash of the
   * process, not of the machine.
   */
  PROCESS,
  /**
   * Per file, a prefix of the unsynced writes in the order they were made, the last one possibly
   * torn at a 512-byte or 4 KiB boundary; per directory, a prefix of the unsynced entry operations.
   */
  PREFIX,
  /**
   * Per file, any subset of the unsynced writes (the disk reorders them), each possibly torn into
   * any subset of its sectors, and lost appends possibly leaving zeros (the size reached the
   * journal, the data did not); per directory, a prefix of the entry operations.
   */
  REORDER;

  /** A mode chosen from {@code seed}: mostly the adversarial ones. */
  public static CrashMode fromSeed(long seed) {
    int r = Math.floorMod(seed * 0x9E3779B97F4A7C15L >>> 40, 10);
    return r == 0 ? DURABLE_ONLY : r == 1 ? PROCESS : r < 5 ? PREFIX : REORDER;
  }
}
