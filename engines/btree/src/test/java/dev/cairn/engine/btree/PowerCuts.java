package dev.cairn.engine.btree;

import dev.cairn.conformance.fs.CrashChoice;
import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.StorageException;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The B+tree tests' power-cut loop: from the same disk image, the same work is run again and again
 * with the power cut after {@code k} file-system changes, for each {@code k} of a set of points;
 * the disk is left as a crash of a mode drawn from the seed would leave it, and the store reopened
 * on it is checked.
 */
final class PowerCuts {

  /**
   * One cut, as the check sees it.
   *
   * @param cutAfter the file-system changes the work made before the power went
   * @param mode how the crash left the disk
   * @param returned whether the work returned (else the power went first and the store stopped)
   * @param at where the cut landed, the disk's state and the seed, for assertion messages
   */
  record Cut(long cutAfter, CrashMode mode, boolean returned, String at) {}

  /** What one trial runs on the store; a {@link StorageException} is the power going. */
  interface Work {
    void run(BtreeEngine e);
  }

  /** What the store reopened after a cut must hold. */
  interface Check {
    void verify(BtreeEngine reopened, Cut cut);
  }

  private PowerCuts() {}

  /**
   * Every {@code total / perRun}-th point of {@code [0, total]}, and the last {@code tail} of them
   * (where a commit's last force and its meta land).
   */
  static SortedSet<Long> points(long total, long perRun, long tail) {
    TreeSet<Long> points = new TreeSet<>();
    for (long k = 0; k <= total; k += Math.max(1, total / perRun)) {
      points.add(k);
    }
    for (long k = Math.max(0, total - tail); k <= total; k++) {
      points.add(k);
    }
    return points;
  }

  /**
   * Runs {@code work} on the store at {@code store} once per point, each time from {@code base},
   * with the power cut after that many file-system changes; {@code state} describes what the work
   * had done when the power went, given whether it returned (for the messages); then checks the
   * store reopened on what the crash left.
   *
   * @return how many trials the work returned in
   */
  static int run(
      FaultyFileSystem fs,
      DiskImage base,
      Path store,
      long seed,
      long total,
      SortedSet<Long> points,
      Work work,
      Function<Boolean, String> state,
      Check check) {
    int returned = 0;
    for (long k : points) {
      fs.restore(base);
      long trialSeed = seed + k;
      boolean done = false;
      BtreeEngine e = TestStores.open(store);
      fs.faults().powerLossAfterMutations(k);
      try {
        work.run(e);
        done = true;
      } catch (StorageException expected) {
        // the power went: the store stopped, as it must
      }
      PowerCut cut = fs.powerCut();
      try {
        e.close();
      } catch (StorageException ignored) {
        // the "process" died
      }
      CrashMode mode = CrashMode.fromSeed(trialSeed);
      CrashChoice choice = cut.choose(mode, trialSeed);
      cut.restore(choice);
      String at =
          "power cut after "
              + k
              + " of "
              + total
              + " mutations ("
              + choice.description()
              + ", "
              + state.apply(done)
              + ", seed "
              + seed
              + ")";
      try (BtreeEngine after = TestStores.open(store)) {
        check.verify(after, new Cut(k, mode, done, at));
      }
      returned += done ? 1 : 0;
    }
    return returned;
  }
}
