package dev.cairn.conformance.crash;

import dev.cairn.conformance.fs.CrashChoice;
import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Crashes during recovery: after a random power cut, the store is first reopened cleanly to learn
 * what recovery makes of the disk; then, from the same disk, recovery is cut after each of its own
 * file system mutations, and the store reopened once more must show exactly the same content. A
 * recovery that truncates, rewrites or deletes before it has made its result durable loses data
 * here.
 */
final class RecoveryCrashCampaign {

  private static final int MAX_RECOVERY_POINTS = 12;

  private RecoveryCrashCampaign() {}

  static CrashReport run(
      StorageEngineProvider provider, int trials, CrashSettings settings, String replayHint) {
    Workload.Shape shape = Workload.Shape.of(provider.capabilities());
    CampaignLog log =
        new CampaignLog(provider.name(), "power cuts during recovery", settings.baseSeed());
    int count = settings.replaySeed().isPresent() ? 1 : trials;
    for (int i = 0; i < count; i++) {
      long seed = settings.replaySeed().orElse(settings.trialSeed(i));
      log.trials++;
      String failure = trial(provider, seed, shape, log);
      if (failure != null) {
        log.failure(seed, failure + "\n  replay: " + CampaignLog.replay(replayHint, seed));
        break;
      }
    }
    return log.report();
  }

  static String trial(
      StorageEngineProvider provider, long seed, Workload.Shape shape, CampaignLog log) {
    PowerCutCampaign.Plan plan = PowerCutCampaign.plan(seed, shape, 30);
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("store");
      StoreSession session = new StoreSession(provider, dir, new Oracle());
      PowerCut cut = PowerCutCampaign.runToPowerLoss(fs, session, plan);
      if (cut == null) {
        return session.violation();
      }
      CrashMode mode = rnd.nextBoolean() ? CrashMode.REORDER : CrashMode.PREFIX;
      CrashChoice first = cut.choose(mode, rnd.nextLong());
      DiskImage crashed = cut.restore(first);
      Map<String, Integer> clean = new TreeMap<>();
      log.crashStates++;
      String problem =
          CrashCheck.afterCrash(
              provider,
              dir,
              session.oracle,
              Workload.keys(shape),
              false,
              "a power cut (" + first.description() + ")",
              clean);
      if (problem != null) {
        return problem;
      }
      for (int point = 0; point < MAX_RECOVERY_POINTS; point++) {
        fs.restore(crashed);
        fs.faults().powerLossAfterMutations(point);
        StoreSession recovering = new StoreSession(provider, dir, new Oracle());
        recovering.open();
        boolean cutDuringRecovery = fs.faults().poweredOff();
        PowerCut second = fs.powerCut();
        recovering.abandon();
        CrashChoice choice = second.choose(mode, rnd.nextLong());
        second.restore(choice);
        log.crashStates++;
        Map<String, Integer> after = new TreeMap<>();
        String what =
            "a power cut after "
                + point
                + " mutations of recovery ("
                + choice.description()
                + "), following "
                + first.description();
        problem =
            CrashCheck.afterCrash(
                provider, dir, session.oracle, Workload.keys(shape), false, what, after);
        if (problem != null) {
          return problem;
        }
        if (!after.equals(clean)) {
          return "after "
              + what
              + " the store holds "
              + after
              + ", but recovery without the second cut gave "
              + clean;
        }
        if (!cutDuringRecovery) {
          break;
        }
      }
      return null;
    } catch (IOException e) {
      return "the fault-injecting file system failed: " + StoreSession.stack(e);
    }
  }
}
