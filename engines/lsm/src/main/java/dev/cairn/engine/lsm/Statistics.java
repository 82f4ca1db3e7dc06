package dev.cairn.engine.lsm;

import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's counters since the store opened, shared by the threads that count; read by {@code
 * LsmEngine.statistics()}.
 *
 * <p>Thread-safe.
 */
final class Statistics {
  final LongAdder writeGroups = new LongAdder();
  final LongAdder walSyncs = new LongAdder();
  final LongAdder walBytes = new LongAdder();
  final LongAdder stalls = new LongAdder();
  final LongAdder stallMillis = new LongAdder();
  final LongAdder flushes = new LongAdder();
  final LongAdder flushBytes = new LongAdder();
  final LongAdder compactions = new LongAdder();
  final LongAdder trivialMoves = new LongAdder();
  final LongAdder tablesPurged = new LongAdder();
  final LongAdder compactionBytesRead = new LongAdder();
  final LongAdder compactionBytesWritten = new LongAdder();
  final LongAdder tombstonesDropped = new LongAdder();
  final LongAdder versionsDropped = new LongAdder();
  final LongAdder bloomChecks = new LongAdder();
  final LongAdder bloomNegatives = new LongAdder();
  final LongAdder manifestRolls = new LongAdder();
  final LongAdder filesDeleted = new LongAdder();
  final LongAdder userBytesWritten = new LongAdder();
  final LongAdder compressionRawBytes = new LongAdder(); // data blocks written, uncompressed
  final LongAdder compressionStoredBytes = new LongAdder(); // the same blocks as stored
  final LongAdder compressionSkippedBlocks = new LongAdder(); // stored as is: saved under 1/8
  final LongAdder tableGrowthSyncs = new LongAdder(); // tables forced while being written
}
