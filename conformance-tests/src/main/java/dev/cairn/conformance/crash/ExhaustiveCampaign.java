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
 * pending entry operations).
 */
final class ExhaustiveCampaign {

  /** More pending operations than this are sampled (2^this subsets) instead of enumerated. */
  static final int MAX_EXHAUSTIVE = 10;

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
                + replayHint
                + " -Dcairn.crash.seed="
                + seed);
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
}
