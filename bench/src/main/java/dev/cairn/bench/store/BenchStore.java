package dev.cairn.bench.store;

import dev.cairn.spi.Durability;
import java.util.List;

/**
 * What a workload needs from a store: the operations common to Cairn engines and the peers measured
 * beside them.
 *
 * <p>Thread-safe as the underlying store is: every implementation here may be called from many
 * threads at once. Must be closed.
 */
public interface BenchStore extends AutoCloseable {

  /** The value under {@code key}, or null. */
  byte[] get(byte[] key);

  /** Stores {@code value} under {@code key} at {@code durability}. */
  void put(byte[] key, byte[] value, Durability durability);

  /** Removes {@code key} at {@code durability}. */
  void delete(byte[] key, Durability durability);

  /** Puts every pair as one atomic write, at {@code durability}. */
  void putAll(List<byte[]> keys, List<byte[]> values, Durability durability);

  /**
   * Reads up to {@code count} entries in key order from the first key at or after {@code start}.
   *
   * @throws UnsupportedOperationException if the store is not {@link #ordered}
   * @return how many entries were read
   */
  int scan(byte[] start, int count);

  /**
   * The forces the store reports while it runs, or null if it reports none (peers: they give no
   * events).
   */
  default ForceRecorder forces() {
    return null;
  }

  /**
   * True if the store keeps keys in order and {@link #scan} works; workloads that {@linkplain
   * dev.cairn.bench.Workload#scans() scan} are not run on a store that does not.
   */
  default boolean ordered() {
    return true;
  }

  /**
   * True if the store keeps its data across close and open, so that reopening it can be timed;
   * false for stores in memory and for peers whose reopen is not measured.
   */
  default boolean durable() {
    return false;
  }

  /**
   * Bytes of the store's index per key, as the store reports it (a Cairn engine's statistics detail
   * {@code index.bytes} over its keys), or NaN if it reports none.
   */
  default double indexBytesPerKey() {
    return Double.NaN;
  }

  /** Keys the store reports holding, -1 unknown. */
  default long approximateKeys() {
    return -1;
  }

  /**
   * The store's statistic named {@code name}, one of the standard details of SPI 1.1 ({@code
   * stalls}, {@code background.pending.bytes}), or -1 if the store does not report it. Called about
   * ten times a second while a timeline is recorded, from a thread of its own.
   */
  default long statistic(String name) {
    return -1;
  }

  /** Makes every write so far durable. */
  void flush();

  /** Bytes the store occupies on disk, 0 in memory, -1 unknown. */
  long diskBytes();

  /** Bytes of memory the store reports holding, -1 unknown. */
  long memoryBytes();

  @Override
  void close();
}
