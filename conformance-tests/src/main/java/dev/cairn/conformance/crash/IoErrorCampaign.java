package dev.cairn.conformance.crash;

import dev.cairn.conformance.fs.CrashChoice;
import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * I/O errors at every injection point, and a full disk.
 *
 * <p>A workload first runs without faults to count its file system operations; then once per
 * operation with exactly that one failing. Each time the engine must either complete a step or
 * throw an SPI exception; after a failed {@code force} every later write must throw {@code
 * EngineFailedException} until the store is reopened; and afterwards the store must reopen
 * consistent, both on what the operating system held (every acknowledged write present) and after a
 * power cut (every {@code SYNC}-acknowledged write present). The full-disk trials do the same with
 * a byte budget instead of one failing operation.
 */
final class IoErrorCampaign {

  private IoErrorCampaign() {}

  static CrashReport everyInjectionPoint(
      StorageEngineProvider provider, int workloads, CrashSettings settings, String replayHint) {
    // NB: no reopens. After a failed force the kernel may hold pages it will never write; an
    // engine reopened on them without a reboot reads data that a later power cut loses, whatever
    // it does. The sweep checks fail-stop and the state after it, not a restart over such pages.
    Workload.Shape shape = Workload.Shape.of(provider.capabilities()).withoutReopens();
    CampaignLog log =
        new CampaignLog(
            provider.name(), "I/O errors at every injection point", settings.baseSeed());
    int count = settings.replaySeed().isPresent() ? 1 : workloads;
    outer:
    for (int i = 0; i < count; i++) {
      long seed = settings.replaySeed().orElse(settings.trialSeed(i));
      List<Op> ops = Workload.generate(seed, 12, shape);
      long total = countCalls(provider, ops);
      for (long call = 1; call <= total; call++) {
        long at = call;
        log.trials++;
        String failure = trial(provider, ops, shape, seed, f -> f.failCall(at), log);
        if (failure != null) {
          log.failure(
              seed,
              "with operation "
                  + call
                  + " of "
                  + total
                  + " failing: "
                  + failure
                  + "\n  workload "
                  + ops
                  + "\n  replay: "
                  + replayHint
                  + " -Dcairn.crash.seed="
                  + seed);
          break outer;
        }
      }
    }
    return log.report();
  }

  static CrashReport fullDisk(
      StorageEngineProvider provider, int trials, CrashSettings settings, String replayHint) {
    Workload.Shape shape = Workload.Shape.of(provider.capabilities());
    CampaignLog log = new CampaignLog(provider.name(), "full disk", settings.baseSeed());
    int count = settings.replaySeed().isPresent() ? 1 : trials;
    for (int i = 0; i < count; i++) {
      long seed = settings.replaySeed().orElse(settings.trialSeed(i));
      List<Op> ops = Workload.generate(seed, 20, shape);
      long budget = new SplittableRandom(seed).nextLong(20_000);
      log.trials++;
      String failure = trial(provider, ops, shape, seed, f -> f.diskSpace(budget), log);
      if (failure != null) {
        log.failure(
            seed,
            "with "
                + budget
                + " bytes of disk: "
                + failure
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

  /**
   * Whether the last injected fault was a failed force of the store's own files or directory (a
   * failed force of a checkpoint beside it fails the checkpoint, not the store).
   */
  private static boolean failedForceIn(FaultyFileSystem fs, Path dir) {
    return fs.faults().lastInjected() == Faults.Op.FORCE
        && fs.contains(dir, fs.faults().lastInjectedPath());
  }

  private static long countCalls(StorageEngineProvider provider, List<Op> ops) {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      StoreSession session = new StoreSession(provider, fs.root().resolve("store"), new Oracle());
      if (session.open()) {
        for (Op op : ops) {
          if (!session.apply(op)) {
            break;
          }
        }
      }
      session.close();
      return fs.faults().calls();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String trial(
      StorageEngineProvider provider,
      List<Op> ops,
      Workload.Shape shape,
      long seed,
      Consumer<Faults> inject,
      CampaignLog log) {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("store");
      StoreSession session = new StoreSession(provider, dir, new Oracle());
      inject.accept(fs.faults());
      long before = fs.faults().injected();
      session.open();
      if (failedForceIn(fs, dir) && session.isOpen()) {
        session.expectFailStop();
      }
      for (Op op : ops) {
        long injected = fs.faults().injected();
        boolean going = session.apply(op);
        if (fs.faults().injected() > injected && failedForceIn(fs, dir)) {
          session.expectFailStop();
        }
        if (!going) {
          break;
        }
      }
      log.faults += fs.faults().injected() - before;
      if (session.violation() != null) {
        session.abandon();
        return session.violation();
      }
      session.close();
      if (session.violation() != null) {
        return session.violation();
      }
      PowerCut cut = fs.powerCut();
      cut.restore(cut.choose(CrashMode.PROCESS, seed));
      log.crashStates++;
      String problem =
          CrashCheck.afterCrash(
              provider,
              dir,
              session.oracle,
              Workload.keys(shape),
              true,
              "the faulty run, on what the operating system held",
              null);
      if (problem != null) {
        return problem;
      }
      CrashMode mode = (seed & 1) == 0 ? CrashMode.REORDER : CrashMode.PREFIX;
      CrashChoice choice = cut.choose(mode, seed);
      cut.restore(choice);
      log.crashStates++;
      return CrashCheck.afterCrash(
          provider,
          dir,
          session.oracle,
          Workload.keys(shape),
          false,
          "the faulty run and a power cut (" + choice.description() + ")",
          null);
    } catch (IOException e) {
      return "the fault-injecting file system failed: " + StoreSession.stack(e);
    }
  }
}
