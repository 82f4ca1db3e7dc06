package dev.cairn.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code cairn bench}, in a child JVM: the table of what finished is printed, the
 * run's stores are deleted (and nothing else of the user's directory), and the exit code is 128 +
 * the signal's number.
 *
 * <p>The child gets SIGINT from {@code kill -INT}, as a terminal's Ctrl-C sends it. A process
 * started with SIGINT ignored (a background job of a non-interactive shell, nohup) passes that on
 * to its children, and the JVM then installs no handler for SIGINT and cannot see it at all; where
 * the child inherited that, the first test says so and sends SIGTERM instead. {@link
 * Process#destroy} sends SIGTERM on Linux; the JVM runs its shutdown hooks for both, so the second
 * test checks the same through SIGTERM.
 */
class InterruptTest {

  private static final int SIGINT = 2;
  private static final int SIGTERM = 15;

  @TempDir Path tmp;

  /** What the child printed, how it ended, and the signal it was sent. */
  record Outcome(int exitCode, String out, String err, int signal) {
    String describe() {
      return "signal " + signal + ", exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  @Test
  void ctrlCPrintsWhatFinishedDeletesTheStoresAndExits130() throws Exception {
    check(SIGINT);
  }

  @Test
  void sigtermFromProcessDestroyDoesTheSameAndExits143() throws Exception {
    check(SIGTERM);
  }

  private void check(int signal) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("stores"));
    Path users = Files.writeString(dir.resolve("notes.txt"), "the user's");
    Outcome o = interruptedRun(dir, signal);
    assertEquals(128 + o.signal(), o.exitCode(), o.describe());

    assertTrue(o.out().contains("INTERRUPTED after "), o.describe());
    // What finished: fillseq on both engines, with figures; the rest marked not run.
    List<String> rows = o.out().lines().filter(l -> l.startsWith("fillseq ")).toList();
    assertEquals(2, rows.size(), o.describe());
    rows.forEach(r -> assertTrue(r.matches("fillseq +\\S+ +1 +[0-9.]+[kM]? .*"), r));
    assertTrue(
        o.out().lines().anyMatch(l -> l.matches("hash +2000 .*")),
        "the load that finished is in the load table: " + o.describe());
    assertTrue(
        o.out()
            .lines()
            .anyMatch(l -> l.startsWith("ycsb-a ") && l.contains("not run (interrupted)")),
        o.describe());
    assertTrue(
        o.err().contains("cairn bench: interrupted; no JSON or chart written"), o.describe());
    assertTrue(o.err().contains("cairn bench: deleted the run's stores in " + dir), o.describe());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(users), left.toList(), "only the user's file is left: " + o.describe());
    }
    assertFalse(Files.exists(tmp.resolve("out.json")), "no JSON for an interrupted run");
  }

  /**
   * Runs the bench in a child JVM on the hash engine (files on disk) and the memory engine, and
   * sends it {@code signal} once readrandom, whose operations outlast any test, is running.
   */
  private Outcome interruptedRun(Path dir, int signal) throws Exception {
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-p");
    cmd.add(System.getProperty("jdk.module.path"));
    String classPath = System.getProperty("java.class.path", "");
    if (!classPath.isEmpty()) {
      cmd.add("-cp");
      cmd.add(classPath);
    }
    cmd.add("--add-modules");
    cmd.add("ALL-MODULE-PATH");
    cmd.add("-m");
    cmd.add("dev.cairn.bench/dev.cairn.bench.cli.BenchMain");
    cmd.addAll(
        List.of(
            "--engines",
            "hash,memory",
            "--workloads",
            "fillseq,readrandom,ycsb-a",
            "--records",
            "2000",
            "--ops",
            "2000000000",
            "--warmup",
            "0",
            "--cache-size",
            "8m",
            "--dir",
            dir.toString(),
            "--json",
            tmp.resolve("out.json").toString()));
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.readString(err).contains("readrandom on")) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          fail("the child did not reach readrandom: " + outcome(p, out, err, 0).describe());
        }
        Thread.sleep(50);
      }
      int sent = signal;
      if (signal == SIGINT && ignoresSigint(p.pid())) {
        System.out.println(
            "InterruptTest: the child inherited an ignored SIGINT (a background job's), so the JVM"
                + " cannot see it; sending SIGTERM, which runs the same shutdown hook");
        sent = SIGTERM;
      }
      if (sent == SIGTERM) {
        p.destroy();
      } else {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -INT " + p.pid());
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        fail("the child did not exit after the signal: " + outcome(p, out, err, sent).describe());
      }
      return outcome(p, out, err, sent);
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  private static Outcome outcome(Process p, Path out, Path err, int signal) throws IOException {
    return new Outcome(
        p.isAlive() ? -1 : p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        signal);
  }

  /** Whether process {@code pid} ignores SIGINT: bit 1 of SigIgn in /proc/PID/status. */
  private static boolean ignoresSigint(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return (mask & (1L << (SIGINT - 1))) != 0;
      }
    }
    return false;
  }
}
