package dev.cairn.conformance.crash;

import dev.cairn.conformance.fs.CrashChoice;
import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random power cuts: a seeded workload runs on the fault-injecting file system until the power goes
 * after a random number of file system mutations (possibly in the middle of an engine operation,
 * possibly while the store is being created), then the store is reopened on one of the states the
 * disk may be left in and checked against the {@link Oracle}.
 */
final class PowerCutCampaign {

  /** Everything a trial does, drawn from its seed. */
  record Plan(List<Op> ops, long lossAfter, CrashMode mode, long choiceSeed) {
    Plan withOps(List<Op> shorter) {
      return new Plan(shorter, lossAfter, mode, choiceSeed);
    }
  }

  private PowerCutCampaign() {}

  static Plan plan(long seed, Workload.Shape shape, int maxOps) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = 1 + rnd.nextInt(maxOps);
    List<Op> ops = Workload.generate(rnd.nextLong(), n, shape);
    long lossAfter = rnd.nextLong(n * 4L + 8);
    long choiceSeed = rnd.nextLong();
    return new Plan(ops, lossAfter, CrashMode.fromSeed(choiceSeed), choiceSeed);
  }

  /**
   * Runs {@code trials} random trials (or only the replayed one) and reports them; the first
   * failure is shrunk and ends the campaign.
   */
  static CrashReport run(
      StorageEngineProvider provider, int trials, CrashSettings settings, String replayHint) {
    Workload.Shape shape = Workload.Shape.of(provider.capabilities());
    CampaignLog log = new CampaignLog(provider.name(), "random power cuts", settings.baseSeed());
    int count = settings.replaySeed().isPresent() ? 1 : trials;
    for (int i = 0; i < count; i++) {
      long seed = settings.replaySeed().orElse(settings.trialSeed(i));
      Plan plan = plan(seed, shape, 30);
      log.trials++;
      log.crashStates++;
      String failure = trial(provider, plan, shape);
      if (failure != null) {
        List<Op> shrunk =
            Shrinker.shrink(
                plan.ops(), ops -> trial(provider, plan.withOps(ops), shape) != null, 150);
        String again = trial(provider, plan.withOps(shrunk), shape);
        log.failure(
            seed,
            failure
                + "\n  shrunk to "
                + shrunk.size()
                + " of "
                + plan.ops().size()
                + " steps "
                + shrunk
                + (again == null ? "" : "\n  which fails with: " + again)
                + "\n  replay: "
                + CampaignLog.replay(replayHint, seed));
        break;
      }
    }
    return log.report();
  }

  /**
   * Runs {@code plan}'s operations in {@code session} until they end or the power goes after the
   * plan's number of mutations, then cuts the power and abandons the session.
   *
   * @return the power cut, or null when the session saw a violation first (it says which)
   */
  static PowerCut runToPowerLoss(FaultyFileSystem fs, StoreSession session, Plan plan) {
    fs.faults().powerLossAfterMutations(plan.lossAfter());
    if (session.open()) {
      for (Op op : plan.ops()) {
        if (!session.apply(op) || fs.faults().poweredOff()) {
          break;
        }
      }
    }
    if (session.violation() != null) {
      session.abandon();
      return null;
    }
    PowerCut cut = fs.powerCut();
    session.abandon();
    return cut;
  }

  /** Runs one trial; null when the store passed. */
  static String trial(StorageEngineProvider provider, Plan plan, Workload.Shape shape) {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("store");
      StoreSession session = new StoreSession(provider, dir, new Oracle());
      PowerCut cut = runToPowerLoss(fs, session, plan);
      if (cut == null) {
        return session.violation();
      }
      CrashChoice choice = cut.choose(plan.mode(), plan.choiceSeed());
      cut.restore(choice);
      String what =
          "a power cut after "
              + plan.lossAfter()
              + " file system mutations ("
              + choice.description()
              + ")";
      String problem =
          CrashCheck.afterCrash(
              provider,
              dir,
              session.oracle,
              Workload.keys(shape),
              plan.mode() == CrashMode.PROCESS,
              what,
              null);
      if (problem == null) {
        fs.assertNoOpenHandles();
      }
      return problem;
    } catch (IOException e) {
      return "the fault-injecting file system failed: " + StoreSession.stack(e);
    } catch (AssertionError e) {
      return e.getMessage() + ": " + StoreSession.stack(e.getCause() == null ? e : e.getCause());
    }
  }
}
