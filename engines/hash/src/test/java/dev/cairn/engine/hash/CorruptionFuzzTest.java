package dev.cairn.engine.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corruption fuzzing of closed hash stores: damage one file of a cleanly closed store (a data file,
 * a merge output, a hint, the manifest or the store marker) by flipping bits, overwriting or
 * zeroing a range, or cutting it short (with {@code -Dcairn.fuzz.hintLoss=true}, for a quarter of
 * the damaged data files their hint is removed as well: see {@link FuzzTrial#HINT_LOSS}), then open
 * it and hold it to the contract: it refuses to open with a {@code CorruptionException} naming the
 * file, or it opens and every read returns the latest value or throws {@code CorruptionException},
 * and the consistency check ({@code cairn check}) reports what threw. Never an older value, never
 * absent for a present key, never a value that was not written. The one exception is the tail of
 * the newest written file, the only place a crash can tear: damage there may drop the batches from
 * the first one it touches. See {@link FuzzTrial} for the rules, {@link PristineStore} for the
 * stores.
 *
 * <p>The read-only open of each trial goes through the runtime exactly as {@code cairn check} opens
 * a store ({@code Cairn.store(dir).readOnly(true).open()}, then {@code checkConsistency()}); {@code
 * CheckCommandTest} in the command-line module runs the command itself on a damaged store.
 *
 * <p>Each trial has a seed that names its store (the upper 32 bits) and its damage. A failing trial
 * prints its seed; {@code -Dcairn.fuzz.seed=N} (or {@code N,M,...}) replays that trial and prints
 * what each open saw. {@code -Dcairn.fuzz.trials} (default 1000), {@code -Dcairn.fuzz.base}
 * (default random) and {@code -Dcairn.fuzz.threads} (default 2) set a run. Trials run on {@code
 * /dev/shm} where it exists: they open stores thousands of times.
 */
class CorruptionFuzzTest {

  private static final int TRIALS_PER_STORE = 250;
  private static final String REPLAY =
      "./mvnw -B -ntp -o -pl engines/hash -am verify -Dtest=CorruptionFuzzTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.fuzz.seed=";

  @TempDir Path tmp;

  /** Engine threads that died, as "thread name\0what", until a trial claims them. */
  private final ConcurrentLinkedQueue<String> deaths = new ConcurrentLinkedQueue<>();

  private final ConcurrentLinkedQueue<String> logged = new ConcurrentLinkedQueue<>();
  private Thread.UncaughtExceptionHandler previousHandler;
  private final Logger engineLog = Logger.getLogger("dev.cairn.engine.hash");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(
              r.getLevel()
                  + " "
                  + r.getMessage()
                  + (r.getThrown() == null ? "" : ": " + r.getThrown()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private boolean parentHandlers;

  /**
   * Engine threads that die and what the engine logs are the trials' business: kept, judged, and
   * kept out of the build log.
   */
  private java.util.logging.Level previousLevel;

  @BeforeEach
  void capture() {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) ->
            deaths.add(t.getName() + "\0" + t.getName() + " died of " + e + " at " + frames(e)));
    parentHandlers = engineLog.getUseParentHandlers();
    previousLevel = engineLog.getLevel();
    // NB: the build's test logging turns engine logs off; the trials judge them, so see them all.
    engineLog.setLevel(java.util.logging.Level.ALL);
    engineLog.setUseParentHandlers(false);
    engineLog.addHandler(capture);
  }

  @AfterEach
  void release() {
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    engineLog.removeHandler(capture);
    engineLog.setUseParentHandlers(parentHandlers);
    engineLog.setLevel(previousLevel);
  }

  private static String frames(Throwable e) {
    StackTraceElement[] st = e.getStackTrace();
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < Math.min(4, st.length); i++) {
      frames.add(st[i].getClassName().replaceAll(".*\\.", "") + "." + st[i].getMethodName());
    }
    return String.join(" < ", frames);
  }

  /** The deaths of the threads of the store in {@code dir} (the engine names them after it). */
  private List<String> deathsIn(Path dir) {
    String prefix = "cairn-hash-" + dir.getFileName() + "-";
    List<String> out = new ArrayList<>();
    for (String d : deaths) {
      if (d.startsWith(prefix) && deaths.remove(d)) {
        out.add(d.substring(d.indexOf('\0') + 1));
      }
    }
    return out;
  }

  /** Where trials run: {@code /dev/shm} when it is there (no fsync costs), else the temp dir. */
  private Path workRoot() throws Exception {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, "cairn-fuzz-");
    }
    return tmp;
  }

  @Test
  void damageToAClosedStoreNeverYieldsAnOlderOrWrongValue() throws Exception {
    String replay = System.getProperty("cairn.fuzz.seed");
    Path root = workRoot();
    try {
      if (replay != null) {
        List<String> failed = new ArrayList<>();
        for (String seed : replay.split(",")) {
          if (!replay(root.resolve("replay-" + seed.trim()), Long.parseLong(seed.trim()))) {
            failed.add(seed.trim());
          }
        }
        assertTrue(failed.isEmpty(), () -> "trials " + failed + " broke the contract");
      } else {
        fuzz(root);
      }
    } finally {
      if (!root.equals(tmp)) {
        FuzzTrial.deleteTree(root);
      }
    }
  }

  private void fuzz(Path root) throws Exception {
    int trials = Integer.getInteger("cairn.fuzz.trials", 1000);
    long base = Long.getLong("cairn.fuzz.base", System.nanoTime()) & 0x7fff_ffffL;
    int threads = Integer.getInteger("cairn.fuzz.threads", 2);
    System.out.println(
        "CorruptionFuzzTest: "
            + trials
            + " trials from base "
            + base
            + " (repeat the run with -Dcairn.fuzz.base="
            + base
            + ")");
    long started = System.nanoTime();
    java.time.Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(null);
    List<FuzzTrial> all = new ArrayList<>();
    // NB: an open and a close of a store take tens of milliseconds, mostly waiting (the engine
    // closes a shared arena for each index segment and each mapped file); two trials at a time
    // overlap those waits.
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int s = 0; all.size() < trials; s++) {
        long storeSeed = (base + s) & 0x7fff_ffffL;
        Path pristine = root.resolve("pristine-" + s);
        PristineStore store = PristineStore.build(storeSeed, pristine);
        List<Future<FuzzTrial>> running = new ArrayList<>();
        for (int t = 0; t < TRIALS_PER_STORE && all.size() + running.size() < trials; t++) {
          long seed = (storeSeed << 32) | t;
          Path dir = root.resolve("t" + (all.size() + running.size()));
          running.add(pool.submit(() -> run(store, seed, dir)));
        }
        for (Future<FuzzTrial> f : running) {
          all.add(f.get());
        }
        FuzzTrial.deleteTree(pristine);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(
        "CorruptionFuzzTest: %d trials in %.1f s (process CPU %s s)%n",
        all.size(),
        (System.nanoTime() - started) / 1e9,
        cpu == null
            ? "?"
            : ProcessHandle.current().info().totalCpuDuration().orElseThrow().minus(cpu).toMillis()
                / 1000.0);
    report(all);
    assertEquals(trials, all.size());
    assertTrue(deaths.isEmpty(), () -> "threads outside any trial died: " + deaths);
  }

  private FuzzTrial run(PristineStore store, long seed, Path dir) {
    FuzzTrial trial = new FuzzTrial(store, seed);
    try {
      trial.run(dir, () -> deathsIn(dir));
    } finally {
      FuzzTrial.deleteTree(dir);
    }
    return trial;
  }

  /** Prints what the trials saw, and each failed trial; fails if any did. */
  private void report(List<FuzzTrial> trials) {
    Map<String, int[]> outcomes = new TreeMap<>();
    Map<String, List<Long>> classes = new TreeMap<>();
    int failed = 0;
    for (FuzzTrial trial : trials) {
      String kind = trial.damage.file().kind() + (trial.withoutHint ? " (hint removed)" : "");
      outcomes.computeIfAbsent(kind + " " + String.join("/", trial.outcomes), k -> new int[1])[0]++;
      if (trial.violations.isEmpty()) {
        continue;
      }
      failed++;
      System.out.println("FAILED " + trial.summary());
      System.out.println("    " + trial.violations.get(0));
      for (FuzzTrial.Violation v : trial.violations) {
        classes
            .computeIfAbsent(
                kind + " / " + trial.damage.type() + " / " + v.phase() + ": " + v.category(),
                k -> new ArrayList<>())
            .add(trial.seed);
      }
    }
    System.out.println("CorruptionFuzzTest outcomes (damaged file, then what each open showed):");
    outcomes.forEach((k, n) -> System.out.println("  " + n[0] + "\t" + k));
    Map<String, int[]> logs = new TreeMap<>();
    for (String l : logged) {
      String general = l.replaceAll("\\S*/(\\d{10}\\.\\w+)", "$1").replaceAll("\\d+", "N");
      logs.computeIfAbsent(general, k -> new int[1])[0]++;
    }
    System.out.println("CorruptionFuzzTest: the engine logged " + logged.size() + " records:");
    logs.forEach((l, n) -> System.out.println("  " + n[0] + "\t" + l));
    if (failed > 0) {
      StringBuilder b = new StringBuilder();
      b.append(failed)
          .append(" of ")
          .append(trials.size())
          .append(" trials broke the contract; replay one with ")
          .append(REPLAY)
          .append("<seed>\n");
      classes.forEach(
          (k, seeds) ->
              b.append("  ")
                  .append(seeds.size())
                  .append("\t")
                  .append(k)
                  .append("  (e.g. seed ")
                  .append(seeds.get(0))
                  .append(")\n"));
      fail(b.toString());
    }
  }

  /** Replays one trial, printing what each open saw; whether it kept the contract. */
  private boolean replay(Path root, long seed) {
    long storeSeed = seed >>> 32;
    PristineStore store = PristineStore.build(storeSeed, root.resolve("pristine"));
    System.out.println(
        "CorruptionFuzzTest replay of trial "
            + seed
            + " (store "
            + storeSeed
            + (store.endsWithMergeOutput() ? ", ends with a merge output" : ", ends with writes")
            + "; newest written file "
            + store.newestAppended.name()
            + ")");
    store.files.values().forEach(f -> System.out.println("  " + f));
    logged.clear();
    FuzzTrial trial = run(store, seed, root.resolve("trial"));
    System.out.println(trial.summary());
    trial.observations.forEach(o -> System.out.println("  " + o.summary()));
    logged.forEach(l -> System.out.println("  engine log: " + l));
    trial.violations.forEach(v -> System.out.println("  VIOLATION " + v));
    return trial.violations.isEmpty();
  }

  /**
   * A seed replays a trial only if the store it names is built the same, byte for byte, however the
   * engine's background thread is scheduled.
   */
  @Test
  void aPristineStoreIsTheSameOnEveryBuild() {
    long seed = Long.getLong("cairn.fuzz.base", System.nanoTime()) & 0x7fff_ffffL;
    System.out.println("CorruptionFuzzTest: store " + seed + " built twice");
    PristineStore a = PristineStore.build(seed, tmp.resolve("a"));
    PristineStore b = PristineStore.build(seed, tmp.resolve("b"));
    assertEquals(a.files.keySet(), b.files.keySet(), "store " + seed);
    for (String name : a.files.keySet()) {
      assertArrayEquals(
          a.files.get(name).bytes(),
          b.files.get(name).bytes(),
          "store " + seed + ": " + name + " differs between two builds");
    }
  }
}
