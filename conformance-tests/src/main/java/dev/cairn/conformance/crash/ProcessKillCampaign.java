package dev.cairn.conformance.crash;

import dev.cairn.spi.StorageEngineProvider;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Real process crashes: a child JVM ({@link KillChild}) runs a workload on the real file system and
 * reports each acknowledgement by appending a line to a file; the parent kills it with SIGKILL
 * ({@link Process#destroyForcibly()}) at a random moment, reopens the store and checks that every
 * acknowledged write survived, {@code BUFFERED} ones included (a process crash keeps the operating
 * system's cache). Successive children continue on the same store.
 */
final class ProcessKillCampaign {

  private static final long READY_TIMEOUT_SECONDS = 60;

  private ProcessKillCampaign() {}

  static Workload.Shape shape(StorageEngineProvider provider) {
    // No reads: a child's oracle does not know what earlier children wrote.
    return Workload.Shape.of(provider.capabilities()).withoutCheckpointsOrReopens().withoutReads();
  }

  static CrashReport run(
      StorageEngineProvider provider,
      Class<? extends StorageEngineProvider> childProvider,
      int kills,
      CrashSettings settings,
      String replayHint) {
    return run(provider, childProvider, Map.of(), kills, settings, replayHint);
  }

  /**
   * Kills {@code kills} children in a row on one store; each child opens it with {@code
   * childProvider}'s no-argument instance and {@code engineSettings}, the parent with {@code
   * provider} (which should carry the same settings).
   */
  static CrashReport run(
      StorageEngineProvider provider,
      Class<? extends StorageEngineProvider> childProvider,
      Map<String, String> engineSettings,
      int kills,
      CrashSettings settings,
      String replayHint) {
    CampaignLog log =
        new CampaignLog(provider.name(), "process kills (SIGKILL)", settings.baseSeed());
    long seed = settings.replaySeed().orElse(settings.trialSeed(0));
    Workload.Shape shape = shape(provider);
    SplittableRandom rnd = new SplittableRandom(seed);
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("cairn-kill-");
      Path dir = tmp.resolve("store");
      Map<String, Integer> known = new TreeMap<>();
      int done = 0;
      for (int k = 0; k < kills; k++) {
        log.trials++;
        List<String> lines = new ArrayList<>();
        String failure =
            runChild(childProvider, engineSettings, dir, seed, done, rnd.nextInt(20, 400), lines);
        if (failure != null) {
          log.failure(seed, failure);
          break;
        }
        Workload w = new Workload(seed, shape);
        for (int i = 0; i < done; i++) {
          w.next();
        }
        Oracle oracle = new Oracle(known);
        Set<Integer> acked = new LinkedHashSet<>();
        Set<Integer> conflicts = new LinkedHashSet<>();
        int last = done - 1;
        for (String line : lines) {
          if (line.startsWith("ACK ") || line.startsWith("FAIL ") || line.startsWith("CONFLICT ")) {
            int step = Integer.parseInt(line.substring(line.indexOf(' ') + 1).trim());
            if (line.startsWith("ACK ")) {
              acked.add(step);
            } else if (line.startsWith("CONFLICT ")) {
              conflicts.add(step);
            }
            last = Math.max(last, step);
          }
        }
        for (int step = done; step <= last + 1; step++) {
          Op op = w.next();
          if (acked.contains(step)) {
            oracle.acked(op);
          } else if (conflicts.contains(step)) {
            oracle.conflicted(op);
          } else {
            oracle.failed(op);
          }
        }
        log.crashStates++;
        Map<String, Integer> state = new TreeMap<>();
        String problem =
            CrashCheck.afterCrash(
                provider,
                dir,
                oracle,
                Workload.keys(shape),
                true,
                "SIGKILL of the child after " + acked.size() + " acknowledged steps",
                state);
        if (problem != null) {
          log.failure(seed, problem + "\n  replay: " + CampaignLog.replay(replayHint, seed));
          break;
        }
        known = state;
        done = last + 2;
      }
    } catch (IOException e) {
      log.failure(seed, "the kill test failed to run: " + StoreSession.stack(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.failure(seed, "interrupted");
    } finally {
      if (tmp != null) {
        try {
          deleteTree(tmp);
        } catch (IOException | RuntimeException ignored) {
          // a temporary directory left behind is harmless
        }
      }
    }
    return log.report();
  }

  private static void deleteTree(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Runs one child until killed; null when it ran and was killed, else what went wrong. */
  private static String runChild(
      Class<? extends StorageEngineProvider> provider,
      Map<String, String> engineSettings,
      Path dir,
      long seed,
      int skip,
      int millisBeforeKill,
      List<String> lines)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    // Engines over native libraries (RocksDB's JNI binding) load them from the class path.
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(classPath(provider));
    cmd.add(KillChild.class.getName());
    cmd.add(provider.getName());
    cmd.add(dir.toString());
    cmd.add(Long.toString(seed));
    cmd.add(Integer.toString(skip));
    // NB: acknowledgements go to a file, not a pipe. A SIGKILLed writer's lines stay in the
    // kernel either way, but the JDK drains a dead child's pipe from its reaper thread and can
    // lose the last lines a reader thread has not taken yet; a file keeps every byte.
    Path out = Files.createTempFile("cairn-kill-child-", ".acks");
    cmd.add(out.toString());
    engineSettings.forEach((k, v) -> cmd.add(k + "=" + v));
    Path err = Files.createTempFile("cairn-kill-child-", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(err.toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
      while (!Files.readString(out, StandardCharsets.US_ASCII).startsWith("READY")
          && p.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      if (!Files.readString(out, StandardCharsets.US_ASCII).startsWith("READY")) {
        p.destroyForcibly().waitFor();
        return "the child did not start: " + Files.readString(err) + " (command " + cmd + ")";
      }
      Thread.sleep(millisBeforeKill);
      if (!p.isAlive()) {
        return "the child died before it was killed: " + Files.readString(err);
      }
      p.destroyForcibly();
      p.waitFor();
      for (String line : Files.readAllLines(out, StandardCharsets.US_ASCII)) {
        if (!line.equals("READY")) {
          lines.add(line);
        }
      }
      return null;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * The class path of this JVM, its module path, and where the provider's classes are. A module
   * path entry may be a directory of jars (as {@code cairn certify}'s is), which a class path reads
   * only through a {@code dir/*} wildcard, so directories go in both ways.
   */
  static String classPath(Class<?> provider) {
    return classPath(
        provider, System.getProperty("jdk.module.path"), System.getProperty("java.class.path"));
  }

  static String classPath(Class<?> provider, String modules, String classes) {
    Set<String> entries = new LinkedHashSet<>();
    add(entries, locate(provider));
    add(entries, locate(KillChild.class));
    if (modules != null) {
      for (String e : modules.split(File.pathSeparator)) {
        add(entries, e);
        if (!e.isBlank() && Files.isDirectory(Path.of(e))) {
          entries.add(Path.of(e, "*").toString());
        }
      }
    }
    if (classes != null) {
      for (String e : classes.split(File.pathSeparator)) {
        add(entries, e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void add(Set<String> entries, String e) {
    if (e != null && !e.isBlank()) {
      entries.add(e);
    }
  }

  /** The class-path root a class was loaded from (a directory or a jar), or null. */
  static String locate(Class<?> c) {
    String resource = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
    URL url = c.getResource(resource);
    if (url == null) {
      return null;
    }
    try {
      switch (url.getProtocol()) {
        case "file" -> {
          Path p = Path.of(url.toURI());
          for (int i = 0; i < c.getName().split("\\.").length; i++) {
            p = p.getParent();
          }
          return p.toString();
        }
        case "jar" -> {
          String s = url.getPath();
          return Path.of(new java.net.URI(s.substring(0, s.indexOf("!/")))).toString();
        }
        default -> {
          return null;
        }
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
