package dev.cairn.conformance.fs;

import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/**
 * One state a power cut may leave: which unsynced writes and directory operations reached the disk,
 * which writes tore and where. Made by {@link PowerCut}; opaque to callers except for its
 * description.
 *
 * <p>Immutable and thread-safe.
 */
public final class CrashChoice {

  final boolean process;
  final Set<Long> kept;
  final Map<Long, BitSet> tornSectors;
  final int sectorSize;
  final boolean zeroExtend;
  private final String description;

  CrashChoice(
      boolean process,
      Set<Long> kept,
      Map<Long, BitSet> tornSectors,
      int sectorSize,
      boolean zeroExtend,
      String description) {
    this.process = process;
    this.kept = Set.copyOf(kept);
    this.tornSectors = Map.copyOf(tornSectors);
    this.sectorSize = sectorSize;
    this.zeroExtend = zeroExtend;
    this.description = description;
  }

  /** What this state keeps, for failure messages. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
