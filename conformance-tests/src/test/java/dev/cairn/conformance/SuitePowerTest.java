package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.broken.BrokenConditionalWrites;
import dev.cairn.conformance.broken.BrokenEngines;
import dev.cairn.conformance.broken.BrokenKeyspaces;
import dev.cairn.conformance.broken.BrokenRangeDeletes;
import dev.cairn.conformance.broken.BrokenReads;
import dev.cairn.conformance.broken.BrokenSizes;
import dev.cairn.conformance.broken.BrokenWrites;
import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import dev.cairn.conformance.crash.TestEngineProvider;
import dev.cairn.spi.StorageEngineProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The suite proves its own power: each deliberately broken engine, run through the certification
 * launcher on the groups that should notice, fails, and fails in the test that targets its bug.
 */
class SuitePowerTest {

  /**
   * Certifies {@code engine} on {@code groups} and asserts a failure in a test named {@code
   * expected}.
   */
  private static void assertCaught(
      StorageEngineProvider engine, Set<String> groups, String expected) {
    assertCaught(engine, groups, 4, expected);
  }

  /**
   * {@link #assertCaught}, with {@code sequences} model-based sequences (as many as make a miss
   * unlikely for a bug that only some sequences of 200 steps show: each of 40 seeds caught the
   * keyspace, conditional and range-delete bugs below 55 to 70% of the time), and a failure in a
   * test named by each of {@code expected}, in the one run.
   */
  private static void assertCaught(
      StorageEngineProvider engine, Set<String> groups, int sequences, String... expected) {
    CertificationReport r =
        Certification.run(
            engine,
            CertificationOptions.defaults()
                .withGroups(groups)
                .withParameter("cairn.model.sequences", Integer.toString(sequences))
                .withParameter("cairn.model.operations", "200"));
    assertTrue(r.failed() > 0, engine.name() + " passed " + groups + ": " + r.toJson());
    Set<String> failedTests =
        r.failures().stream().map(f -> f.get("test")).collect(Collectors.toSet());
    for (String name : expected) {
      assertTrue(
          failedTests.stream().anyMatch(t -> t.contains(name)),
          engine.name() + " was not caught by " + name + "; failures: " + failedTests);
    }
  }

  /**
   * Like {@link #assertCaught}, for a bug that shows only when threads interleave badly: the group
   * runs up to {@code attempts} times and must catch it in one of them, by every test of {@code
   * expected}. A concurrency check is probabilistic; what this proves is that it catches the bug in
   * practice, not on every run.
   */
  private static void assertCaughtWithin(
      int attempts, StorageEngineProvider engine, Set<String> groups, String... expected) {
    AssertionError last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        assertCaught(engine, groups, 4, expected);
        return;
      } catch (AssertionError missed) {
        last = missed;
      }
    }
    throw new AssertionError("not caught in " + attempts + " runs; last: " + last.getMessage());
  }

  @Test
  void catchesWrongKeyOrder() {
    assertCaught(BrokenEngines.wrongKeyOrder(), Set.of("keys-values"), "keysOrderUnsigned");
  }

  @Test
  void catchesWrongKeyOrderInTheModelBasedHarness() {
    assertCaught(BrokenEngines.wrongKeyOrder(), Set.of("model-based"), "seed");
  }

  @Test
  void catchesABatchAppliedPartially() {
    assertCaught(BrokenEngines.partialBatch(), Set.of("batches"), "aBatchAppliesEveryOperation");
  }

  @Test
  void catchesASnapshotThatSeesALaterWrite() {
    assertCaught(
        BrokenEngines.snapshotSeesLaterWrites(),
        Set.of("snapshots"),
        "aSnapshotSeesTheStateWhenItWasTaken");
  }

  @Test
  void catchesACursorThatSkipsTheLastKey() {
    assertCaught(
        BrokenEngines.cursorSkipsLastKey(),
        Set.of("cursors"),
        "aCursorVisitsExactlyItsRangeInItsDirection");
  }

  @Test
  void catchesADeleteThatComesBack() {
    assertCaught(BrokenEngines.deleteComesBack(), Set.of("model-based"), "seed");
  }

  @Test
  void catchesAReverseCursorOffByOne() {
    assertCaught(
        BrokenEngines.reverseCursorOffByOne(), Set.of("cursors"), "aSeekLandsOnTheFirstEntry");
  }

  @Test
  void catchesALostUpdateUnderConcurrency() {
    assertCaughtWithin(
        5,
        BrokenEngines.lostUpdate(),
        Set.of("concurrency"),
        "concurrentPutsOfDistinctKeysAllLand");
  }

  @Test
  void catchesANonLinearizableHistory() {
    assertCaughtWithin(
        5,
        BrokenEngines.lostUpdate(),
        Set.of("concurrency"),
        "historiesOnASmallKeySetAreLinearizable");
  }

  @Test
  void catchesAValueTruncatedAtSomeSize() {
    assertCaught(BrokenEngines.truncatesValues(), Set.of("keys-values"), "valueRoundTrips");
  }

  @Test
  void catchesViewsThatOutliveTheirEntry() {
    assertCaught(
        BrokenEngines.staleViews(), Set.of("cursors"), "viewsAreInvalidatedWhenTheCursorMoves");
  }

  @Test
  void catchesAnEmptyValueReadAsAbsent() {
    assertCaught(
        BrokenEngines.emptyValueIsAbsent(),
        Set.of("keys-values"),
        "anEmptyValueIsDistinctFromAbsence");
  }

  @Test
  void catchesDamageOnlyTheConsistencyCheckSees() {
    // No test of the group looks at the check; the after-test check fails them.
    assertCaught(BrokenEngines.damagedByDeletes(), Set.of("basic"), "deleteRemovesTheKeyAndOnlyIt");
  }

  @Test
  void catchesAnEngineThatIgnoresUnknownSettings() {
    assertCaught(
        BrokenEngines.ignoresUnknownSettings(),
        Set.of("engine-contract"),
        "theEngineItselfRejectsAnUnknownSetting");
  }

  @Test
  void catchesADurableEngineThatForgetsOnReopen() {
    assertCaught(
        BrokenEngines.forgetsOnReopen(),
        Set.of("lifecycle"),
        "reopeningKeepsEveryAcknowledgedWrite");
  }

  @Test
  void catchesAnExceptionOutsideTheSpiHierarchy() {
    assertCaught(
        BrokenEngines.throwsOutsideTheHierarchy(),
        Set.of("engine-contract"),
        "theEngineItselfThrowsInvalidArgument");
  }

  @Test
  void catchesAnEngineThatWritesAroundTheFileSystemItWasGiven() {
    assertCaught(
        BrokenEngines.writesAroundTheFileSystem(),
        Set.of("capabilities"),
        "anyFileSystemCarriesAllOfTheEnginesFiles");
  }

  @Test
  void catchesAnEngineThatNeverFsyncsInTheCrashGroup() {
    assertCaught(
        new TestEngineProvider(TestEngineProvider.Kind.LOG, TestEngineProvider.Flaw.NO_FSYNC),
        Set.of("crash-and-faults"),
        "randomPowerCuts");
  }

  // Sizes: each bug shows only past a page or a block, where the tests once wrote nothing.

  @Test
  void catchesAnEngineThatKeepsTheCallersLargeValueArrays() {
    assertCaught(
        BrokenSizes.keepsTheCallersLargeValues(),
        Set.of("basic"),
        "putCopiesTheCallersArraysAtEverySize");
  }

  @Test
  void catchesAnEngineThatSharesItsArraysOfLargeValuesThroughGet() {
    assertCaught(
        BrokenSizes.sharesLargeValueArrays(), Set.of("basic"), "getReturnsAFreshArrayAtEverySize");
  }

  @Test
  void catchesAnEngineThatSharesItsArraysOfLargeValuesThroughCursors() {
    assertCaught(
        BrokenSizes.sharesLargeValueArrays(),
        Set.of("cursors"),
        "entriesOfEverySizeComeOutOfACursorWholeAndAsCopies");
  }

  @Test
  void catchesAnOverwriteOfALongKeyThatIsDropped() {
    assertCaught(
        BrokenSizes.dropsResizingOverwritesOfLongKeys(),
        Set.of("keys-values"),
        "aLongKeyCanBeOverwrittenDeletedAndPutAgain");
  }

  @Test
  void catchesLongKeysIdentifiedByTheirFirstPage() {
    assertCaught(
        BrokenSizes.identifiesLongKeysByTheirFirstPage(),
        Set.of("keys-values"),
        "longKeysThatDifferOnlyAtTheirEndAreDistinct");
  }

  @Test
  void catchesABatchThatTruncatesLargeValues() {
    assertCaught(
        BrokenSizes.batchesTruncateLargeValues(),
        Set.of("batches"),
        "aBatchCarriesKeysAndValuesOfEverySize");
  }

  @Test
  void catchesASnapshotThatReadsLargeValuesFromTheLiveStore() {
    assertCaught(
        BrokenSizes.snapshotsReadLargeValuesLive(),
        Set.of("snapshots"),
        "aSnapshotKeepsKeysAndValuesOfEverySize");
  }

  // Cursors and snapshots: caught by the targeted groups, not only the model-based one.

  @Test
  void catchesACursorThatKeepsTheCallersSeekKey() {
    assertCaught(
        BrokenReads.lazySeekKeepsTheCallersKey(),
        Set.of("cursors"),
        "aCursorCopiesTheCallersSeekKeyAndBounds");
  }

  @Test
  void catchesASeekToADeletedKeyThatSkipsTheNextKey() {
    assertCaught(
        BrokenReads.seekToADeletedKeySkipsTheNextKey(),
        Set.of("cursors"),
        "aSeekToADeletedKeyLandsOnTheNextLiveKey");
  }

  @Test
  void catchesASeekThatComparesSignedBytes() {
    assertCaught(
        BrokenReads.seeksCompareSigned(),
        Set.of("cursors"),
        "highBitKeysScanAndSeekInUnsignedOrder");
  }

  @Test
  void catchesASnapshotSeekThatComparesSignedBytes() {
    assertCaught(
        BrokenReads.seeksCompareSigned(),
        Set.of("snapshots"),
        "aSnapshotCursorSeeksAmongDeletedAndHighBitKeys");
  }

  @Test
  void catchesASnapshotThatLosesEmptyValues() {
    assertCaught(
        BrokenReads.snapshotsLoseEmptyValues(), Set.of("snapshots"), "aSnapshotKeepsEmptyValues");
  }

  // Writes: racing batches, and what the runtime enforces for engines used through it.

  @Test
  void catchesBatchesTornWhenTwoWritersRace() {
    assertCaughtWithin(
        5,
        BrokenWrites.batchesTearWhenTwoRace(),
        Set.of("concurrency"),
        "racingBatchWritersAreNeverSeenInPart");
  }

  @Test
  void catchesAReadOnlyModeLeftToTheRuntime() {
    assertCaught(
        BrokenWrites.readOnlyLeftToTheRuntime(),
        Set.of("engine-contract"),
        "theEngineItselfRefusesEveryWriteWhenReadOnly");
  }

  @Test
  void catchesOneArgumentWritesThatIgnoreTheDefaultDurability() {
    assertCaught(
        BrokenWrites.oneArgumentWritesIgnoreTheDefault(),
        Set.of("engine-contract"),
        "theEngineItselfGivesOneArgumentWritesItsDefaultDurability");
  }

  // SPI 1.1: keyspaces, conditional writes, range deletes. Each broken engine is caught by the
  // group of its capability, most by the model-based group too.

  @Test
  void catchesABatchAcrossKeyspacesAppliedOneKeyspaceAtATime() {
    // Always by a batch naming a missing keyspace; by concurrent readers when threads interleave.
    assertCaughtWithin(
        5,
        BrokenKeyspaces.batchAcrossKeyspacesNotAtomic(),
        Set.of("keyspaces"),
        "aBatchNamingAMissingKeyspaceAppliesNothing",
        "readersNeverSeePartOfABatchAcrossKeyspaces");
  }

  @Test
  void catchesKeyspacesThatLeakDeletesIntoEachOther() {
    assertCaught(
        BrokenKeyspaces.deletesLeakIntoTheDefaultKeyspace(),
        Set.of("keyspaces"),
        "theSameKeyInTwoKeyspacesIsTwoEntries");
  }

  @Test
  void catchesKeyspacesThatLeakDeletesIntoEachOtherInTheModelBasedHarness() {
    assertCaught(
        BrokenKeyspaces.deletesLeakIntoTheDefaultKeyspace(), Set.of("model-based"), 16, "seed");
  }

  @Test
  void catchesAPreconditionCheckedOutsideTheWriteLock() {
    assertCaughtWithin(
        5,
        BrokenConditionalWrites.checksPreconditionsOutsideTheWriteLock(),
        Set.of("conditional-writes"),
        "concurrentReplacesKeepAnExactCount",
        "conditionalHistoriesAreLinearizable");
  }

  @Test
  void catchesAFailedPreconditionThatLetsTheBatchsOtherOperationsApply() {
    assertCaught(
        BrokenConditionalWrites.appliesTheOtherOperationsWhenAPreconditionFails(),
        Set.of("conditional-writes"),
        "aFailedPreconditionThrowsConflictAndAppliesNothing");
  }

  @Test
  void catchesAFailedPreconditionThatLetsTheBatchsOtherOperationsApplyInTheModelBasedHarness() {
    assertCaught(
        BrokenConditionalWrites.appliesTheOtherOperationsWhenAPreconditionFails(),
        Set.of("model-based"),
        16,
        "seed");
  }

  @Test
  void catchesARangeDeleteWhoseExclusiveUpperBoundIsTakenAsInclusive() {
    assertCaught(
        BrokenRangeDeletes.exclusiveUpperBoundTreatedAsInclusive(),
        Set.of("range-deletes"),
        "aRangeDeleteRemovesExactlyTheKeysOfItsRange");
  }

  @Test
  void catchesARangeDeleteThatIgnoresOrderWithinItsBatch() {
    assertCaught(
        BrokenRangeDeletes.ignoresOrderWithinTheBatch(),
        Set.of("range-deletes"),
        "aRangeDeleteAppliesInOrderWithTheBatchsOtherOperations");
  }

  @Test
  void catchesARangeDeleteThatIgnoresOrderWithinItsBatchInTheModelBasedHarness() {
    assertCaught(
        BrokenRangeDeletes.ignoresOrderWithinTheBatch(), Set.of("model-based"), 16, "seed");
  }

  @Test
  void catchesARangeDeleteDoneKeyByKey() {
    assertCaughtWithin(
        5,
        BrokenRangeDeletes.deletesKeyByKey(),
        Set.of("range-deletes"),
        "readersSeeARangeDeleteWholeOrNotAtAll");
  }

  @Test
  void theRuntimeHidesAReadOnlyModeAndADefaultDurabilityTheEngineIgnores() {
    // Through the runtime, which refuses writes to a read-only store and names the default
    // durability on every call, both engines pass the groups that open stores through it.
    for (StorageEngineProvider engine :
        List.of(
            BrokenWrites.readOnlyLeftToTheRuntime(),
            BrokenWrites.oneArgumentWritesIgnoreTheDefault())) {
      CertificationReport r =
          Certification.run(
              engine, CertificationOptions.defaults().withGroups(Set.of("lifecycle", "basic")));
      assertTrue(r.failed() == 0 && r.passed() > 0, engine.name() + ": " + r.toJson());
    }
  }

  @Test
  void theRuntimeHidesWhatOnlyDirectCallsReveal() {
    // Through the runtime, unknown settings are rejected even when the engine ignores them: the
    // options group passes, which is why the engine-contract group calls the engine directly.
    CertificationReport r =
        Certification.run(
            BrokenEngines.ignoresUnknownSettings(),
            CertificationOptions.defaults().withGroups(Set.of("options-errors")));
    assertTrue(r.failed() == 0 && r.passed() > 0, r.toJson());
    Map<String, Object> group = r.groups().get("options-errors");
    assertTrue(group != null && (int) group.get("passed") > 0, String.valueOf(r.groups()));
  }
}
