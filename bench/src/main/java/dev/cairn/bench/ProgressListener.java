package dev.cairn.bench;

/**
 * Told how a benchmark run advances. Called on the thread that called {@link BenchRunner#run}, a
 * few times a second; must return quickly.
 */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores progress. */
  ProgressListener NONE = (phase, done, total) -> {};

  /**
   * @param phase what runs now, for example {@code "ycsb-a on rocksdb"}
   * @param done units of work done in the whole run (operations and loaded records)
   * @param total units of work in the whole run
   */
  void progress(String phase, long done, long total);
}
