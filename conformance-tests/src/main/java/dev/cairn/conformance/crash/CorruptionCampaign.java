package dev.cairn.conformance.crash;

import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Corrupt files: a store is written and closed cleanly, then every file in it is damaged in turn,
 * at seeded places (a flipped bit, a zeroed sector, a truncation, a hostile length field, trailing
 * garbage, two sectors swapped), and the store opened and read.
 *
 * <p>Opening and reading may fail with a {@link StorageException} (the corruption exception, as a
 * rule) or recover by the engine's own policy (a torn log tail dropped, say); they must never hang
 * (each attempt has a deadline), never exhaust memory on a hostile length, never throw anything but
 * SPI exceptions, and never return a value that was not written for its key: values are
 * self-checking, so wrong data cannot pass silently.
 */
final class CorruptionCampaign {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private CorruptionCampaign() {}

  static CrashReport run(
      StorageEngineProvider provider, int perFile, CrashSettings settings, String replayHint) {
    Workload.Shape shape = Workload.Shape.of(provider.capabilities()).withoutCheckpointsOrReopens();
    CampaignLog log = new CampaignLog(provider.name(), "corrupt files", settings.baseSeed());
    long seed = settings.replaySeed().orElse(settings.trialSeed(0));
    ExecutorService exec =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "cairn-corruption-trial");
              t.setDaemon(true);
              return t;
            });
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("store");
      StoreSession session = new StoreSession(provider, dir, new Oracle());
      List<Op> ops = Workload.generate(seed, 60, shape);
      Map<String, Set<Integer>> written = new HashMap<>();
      if (!session.open()) {
        log.failure(seed, "the store did not open");
        return log.report();
      }
      for (Op op : ops) {
        session.apply(op);
        record(op, written);
      }
      session.close();
      if (session.violation() != null) {
        log.failure(seed, session.violation());
        return log.report();
      }
      DiskImage clean = fs.image();
      String storePrefix = "store/";
      SplittableRandom rnd = new SplittableRandom(seed);
      outer:
      for (String file : clean.files().keySet()) {
        if (!file.startsWith(storePrefix)) {
          continue;
        }
        byte[] original = clean.files().get(file);
        for (int j = 0; j < perFile; j++) {
          int kind = rnd.nextInt(6);
          byte[] damaged = damage(original, kind, rnd);
          fs.restore(clean.withFile(file, damaged));
          log.trials++;
          log.crashStates++;
          String what = describe(kind) + " in " + file + " (" + original.length + " bytes)";
          String failure = attempt(exec, provider, dir, shape, written, what);
          if (failure != null) {
            log.failure(seed, failure + "\n  replay: " + CampaignLog.replay(replayHint, seed));
            break outer;
          }
        }
      }
    } catch (IOException e) {
      log.failure(seed, "the fault-injecting file system failed: " + StoreSession.stack(e));
    } finally {
      exec.shutdownNow();
    }
    return log.report();
  }

  private static void record(Op op, Map<String, Set<Integer>> written) {
    op.changes()
        .forEach(
            (key, state) -> {
              if (state != Op.DELETED) {
                written.computeIfAbsent(key, k -> new HashSet<>()).add(state);
              }
            });
  }

  private static String attempt(
      ExecutorService exec,
      StorageEngineProvider provider,
      Path dir,
      Workload.Shape shape,
      Map<String, Set<Integer>> written,
      String what) {
    Future<String> f =
        exec.submit(
            () -> {
              StorageEngine e;
              try {
                e = provider.open(StoreSession.options(dir));
              } catch (StorageException ok) {
                return null;
              } catch (OutOfMemoryError oom) {
                return "opening after " + what + " ran out of memory (an unbounded allocation?)";
              } catch (RuntimeException bad) {
                return "opening after "
                    + what
                    + " threw a non-SPI exception: "
                    + StoreSession.stack(bad);
              }
              try {
                Map<String, Integer> state = new HashMap<>();
                String problem = StoreSession.readState(e, Workload.keys(shape), state);
                if (problem != null && !problem.startsWith("the consistency check failed")) {
                  return problem + " after " + what;
                }
                for (Map.Entry<String, Integer> kv : state.entrySet()) {
                  if (!written.getOrDefault(kv.getKey(), Set.of()).contains(kv.getValue())) {
                    return "after "
                        + what
                        + " the store returns for "
                        + kv.getKey()
                        + " a value no step wrote to it";
                  }
                }
                return null;
              } catch (StorageException ok) {
                return null;
              } catch (OutOfMemoryError oom) {
                return "reading after " + what + " ran out of memory (an unbounded allocation?)";
              } catch (RuntimeException bad) {
                return "reading after "
                    + what
                    + " threw a non-SPI exception: "
                    + StoreSession.stack(bad);
              } finally {
                try {
                  e.close();
                } catch (RuntimeException ignored) {
                  // reading is what is checked
                }
              }
            });
    try {
      return f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException t) {
      f.cancel(true);
      return "opening or reading after " + what + " did not finish within " + DEADLINE;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (ExecutionException ee) {
      return "opening or reading after " + what + " failed: " + StoreSession.stack(ee.getCause());
    }
  }

  static byte[] damage(byte[] original, int kind, SplittableRandom rnd) {
    byte[] b = original.clone();
    int n = b.length;
    switch (kind) {
      case 0 -> {
        if (n > 0) {
          int at = rnd.nextInt(n);
          b[at] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 1 -> {
        if (n > 0) {
          int sector = rnd.nextInt((n + 511) / 512) * 512;
          java.util.Arrays.fill(b, sector, Math.min(n, sector + 512), (byte) 0);
        }
      }
      case 2 -> b = java.util.Arrays.copyOf(b, n == 0 ? 0 : rnd.nextInt(n));
      case 3 -> {
        if (n >= 4) {
          int at = rnd.nextInt(n - 3);
          ByteBuffer.wrap(b).putInt(at, rnd.nextBoolean() ? 0x7FFF_FFFF : 0xFFFF_FFFF);
        }
      }
      case 4 -> {
        byte[] tail = new byte[1 + rnd.nextInt(100)];
        for (int i = 0; i < tail.length; i++) {
          tail[i] = (byte) rnd.nextInt(256);
        }
        b = java.util.Arrays.copyOf(b, n + tail.length);
        System.arraycopy(tail, 0, b, n, tail.length);
      }
      default -> {
        if (n >= 1024) {
          int sectors = n / 512;
          int x = rnd.nextInt(sectors) * 512;
          int y = rnd.nextInt(sectors) * 512;
          byte[] tmp = java.util.Arrays.copyOfRange(b, x, x + 512);
          System.arraycopy(b, y, b, x, 512);
          System.arraycopy(tmp, 0, b, y, 512);
        } else if (n > 0) {
          b[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
        }
      }
    }
    return b;
  }

  private static String describe(int kind) {
    return switch (kind) {
      case 0 -> "a flipped bit";
      case 1 -> "a zeroed sector";
      case 2 -> "a truncation";
      case 3 -> "a hostile length field";
      case 4 -> "trailing garbage";
      default -> "two swapped sectors";
    };
  }
}
