package dev.cairn.conformance.crash;

import dev.cairn.conformance.fs.CrashChoice;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Exhaustive small cases, as ALICE and CrashMonkey do: for short workloads (up to five steps),
 * every crash point (after each file system mutation, store creation included) times every state
 * the disk may be left in (every subset of the pending writes, and every prefix of each directory's
 * pending entry operations), within a budget of crash states per workload ({@link #TRIAL_BUDGET}).
 */
final class ExhaustiveCampaign {

  /** More pending operations than this are sampled (2^this subsets) instead of enumerated. */
  static final int MAX_EXHAUSTIVE = 10;

  /**
   * Crash states one workload may check in full. An engine that writes a long value as many small
   * writes before one force leaves many pending writes at many crash points (2^{@value
   * #MAX_EXHAUSTIVE} states at each); past this budget, each further crash point checks {@value
   * #OVER_BUDGET_CHOICES} of its states, drawn from the trial's seed, so that a campaign ends in
   * bounded time whatever the engine's write pattern.
   */
  static final long TRIAL_BUDGET = 20_000;

  /** States checked at each crash point once a workload is past {@link #TRIAL_BUDGET}. */
  static final int OVER_BUDGET_CHOICES = 16;

  private ExhaustiveCampaign() {}

  static CrashReport run(
      StorageEngineProvider provider, int workloads, CrashSettings settings, String replayHint) {
    Workload.Shape shape = Workload.Shape.of(provider.capabilities()).withoutCheckpointsOrReopens();
    CampaignLog log =
        new CampaignLog(provider.name(), "exhaustive small cases", settings.baseSeed());
    int count = settings.replaySeed().isPresent() ? 1 : workloads;
    for (int i = 0; i < count; i++) {
      long seed = settings.replaySeed().orElse(settings.trialSeed(i));
      SplittableRandom rnd = new SplittableRandom(seed);
      List<Op> ops = Workload.generate(rnd.nextLong(), 1 + rnd.nextInt(5), shape);
      log.trials++;
      String failure = workload(provider, ops, shape, seed, log);
      if (failure != null) {
        log.failure(
            seed,
            failure
                + "\n  workload "
                + ops
                + "\n  replay: "
                + CampaignLog.replay(replayHint, seed));
        break;
      }
    }
    return log.report();
  }

  /** Every crash point and state of one workload; null when all pass. */
  static String workload(
      StorageEngineProvider provider,
      List<Op> ops,
      Workload.Shape shape,
      long seed,
      CampaignLog log) {
    long states = 0;
    for (long point = 0; ; point++) {
      try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
        Path dir = fs.root().resolve("store");
        StoreSession session = new StoreSession(provider, dir, new Oracle());
        fs.faults().powerLossAfterMutations(point);
        if (session.open()) {
          for (Op op : ops) {
            if (!session.apply(op) || fs.faults().poweredOff()) {
              break;
            }
          }
        }
        boolean lastPoint = !fs.faults().poweredOff();
        if (session.violation() != null) {
          session.abandon();
          return session.violation();
        }
        PowerCut cut = fs.powerCut();
        session.abandon();
        List<CrashChoice> choices = cut.enumerate(MAX_EXHAUSTIVE, seed ^ point);
        if (states >= TRIAL_BUDGET) {
          choices = sample(choices, new SplittableRandom(seed ^ point ^ 0x5DEECE66DL));
        }
        states += choices.size();
        for (CrashChoice choice : choices) {
          cut.restore(choice);
          log.crashStates++;
          String problem =
              CrashCheck.afterCrash(
                  provider,
                  dir,
                  session.oracle,
                  Workload.keys(shape),
                  false,
                  "a power cut after " + point + " mutations, keeping " + choice.description(),
                  null);
          if (problem != null) {
            return problem;
          }
        }
        if (lastPoint) {
          return null;
        }
      } catch (IOException e) {
        return "the fault-injecting file system failed: " + StoreSession.stack(e);
      }
    }
  }

  /**
   * {@value #OVER_BUDGET_CHOICES} of {@code choices}: the first (nothing or least kept) and the
   * last, and others drawn by {@code rnd}; all of them when there are no more.
   */
  static <T> List<T> sample(List<T> choices, SplittableRandom rnd) {
    int n = choices.size();
    if (n <= OVER_BUDGET_CHOICES) {
      return choices;
    }
    java.util.TreeSet<Integer> picked = new java.util.TreeSet<>(List.of(0, n - 1));
    while (picked.size() < OVER_BUDGET_CHOICES) {
      picked.add(rnd.nextInt(n));
    }
    return picked.stream().map(choices::get).toList();
  }
}
