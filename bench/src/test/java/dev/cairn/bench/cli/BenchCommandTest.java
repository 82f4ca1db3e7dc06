package dev.cairn.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.bench.BenchConfig;
import dev.cairn.bench.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void badArgumentsGetClearMessages() {
    assertEquals(2, run("--durability", "often"));
    assertTrue(err.toString().contains("--durability must be sync or buffered"), err.toString());
    assertEquals(2, run("--workloads", "ycsb-z"));
    assertTrue(err.toString().contains("unknown workload 'ycsb-z'"), err.toString());
    assertEquals(2, run("--engines", "nope"));
    assertTrue(err.toString().contains("unknown engine or peer 'nope'"), err.toString());
    assertEquals(2, run("--records", "0"));
    assertTrue(err.toString().contains("records must be >= 1"), err.toString());
    assertEquals(2, run("--chart", "x.gif"));
    assertTrue(err.toString().contains(".png or .svg"), err.toString());
    assertEquals(2, run("--engines", "memory", "--setting", "cache.size=1m"));
    assertTrue(err.toString().contains("--cache-size, not --setting"), err.toString());
    assertEquals(2, run("--engines", "memory", "--setting", "no.such=1"));
    assertTrue(
        err.toString().contains("--setting no.such: no engine of the run declares"),
        err.toString());
  }

  @Test
  void aSettingReachesTheEnginesThatDeclareItAndTheTableSaysSo() {
    int code =
        run(
            "--engines",
            "rocksdb,memory",
            "--workloads",
            "readrandom",
            "--records",
            "200",
            "--ops",
            "200",
            "--setting",
            "compression=none",
            "--no-progress");
    assertEquals(0, code, err.toString());
    String table = out.toString();
    assertTrue(table.contains("settings (--setting {compression=none}"), table);
    assertTrue(table.contains("compression = none (--setting)"), table);
  }

  @Test
  void outputPathsAreCheckedBeforeTheRun() throws Exception {
    Path stores = tmp.resolve("stores");
    String[] run = {"--engines", "memory", "--records", "100", "--ops", "100", "--no-progress"};
    Path dirNamedJson = Files.createDirectories(tmp.resolve("out.json"));
    Path aFile = Files.writeString(tmp.resolve("file"), "x");
    record Case(String option, Path path, String message) {}
    List<Case> cases =
        List.of(
            new Case(
                "--json",
                tmp.resolve("missing/out.json"),
                "--json '" + tmp.resolve("missing/out.json") + "': directory '"),
            new Case("--json", tmp.resolve("out.txt"), "--json file must end in .json, got '"),
            new Case("--json", dirNamedJson, "--json '" + dirNamedJson + "' is a directory"),
            new Case(
                "--chart",
                aFile.resolve("c.svg"),
                "--chart '" + aFile.resolve("c.svg") + "': '" + aFile + "' is not a directory"),
            new Case("--chart", tmp.resolve("c.gif"), "--chart file must end in .png or .svg"),
            new Case(
                "--chart",
                tmp.resolve("no/such/c.png"),
                "directory '" + tmp.resolve("no/such") + "' does not exist"));
    for (Case c : cases) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      List<String> args = new java.util.ArrayList<>(List.of(run));
      args.addAll(List.of("--dir", stores.toString(), c.option(), c.path().toString()));
      assertEquals(2, run(args.toArray(String[]::new)), c + ": " + err);
      assertTrue(err.toString().contains(c.message()), c.message() + " in: " + err);
      assertEquals("", out.toString(), "nothing ran: " + out);
      assertFalse(Files.exists(stores), "no store was created before the check");
    }
  }

  @Test
  void repeatRunsRoundsAndSaysSo() throws Exception {
    Path json = tmp.resolve("r.json");
    int code =
        run(
            "--engines",
            "memory",
            "--workloads",
            "readrandom",
            "--records",
            "200",
            "--ops",
            "200",
            "--repeat",
            "3",
            "--no-progress",
            "--dir",
            tmp.resolve("stores").toString(),
            "--json",
            json.toString());
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("3 rounds: every figure is the median"), out.toString());
    assertTrue(out.toString().contains("min-max"), out.toString());
    var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertEquals(3, root.get("runs").size());
    assertEquals(3, root.get("cells").get(0).get("rounds").asInt());
    assertEquals(2, run("--repeat", "0"));
    assertTrue(err.toString().contains("repeat must be >= 1, got 0"), err.toString());
  }

  @Test
  void closingTheBarEndsItsLineAndItDrawsNothingAfter() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), true, true);
    bar.progress("load", 1, 4);
    String line = ProgressBar.render("load", 1, 4);
    assertEquals("\r" + line, text.toString());
    bar.close();
    assertEquals("\r" + line + "\r" + " ".repeat(line.length()) + "\r", text.toString());
    bar.progress("ycsb-a", 4, 4);
    bar.close();
    assertEquals(
        "\r" + line + "\r" + " ".repeat(line.length()) + "\r",
        text.toString(),
        "nothing drawn after close, and closing twice clears once");
  }

  @Test
  void anInterruptedBarEndsItsLineAndKeepsItsLastPhase() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), true, true);
    bar.progress("readrandom on hash", 1, 4);
    bar.interrupt();
    String line = ProgressBar.render("readrandom on hash", 1, 4);
    assertEquals("\r" + line + System.lineSeparator(), text.toString());
    bar.progress("ycsb-a on hash", 2, 4);
    bar.close();
    assertEquals("\r" + line + System.lineSeparator(), text.toString(), "nothing after");
  }

  @Test
  void cacheSizeIsASizeAutoOrDefault() {
    assertEquals(256L << 20, config("--cache-size", "256m").cacheBytes());
    assertEquals(3L << 30, config("--cache-size", "3G").cacheBytes());
    assertEquals(BenchConfig.DEFAULT_CACHES, config("--cache-size", "default").cacheBytes());
    assertEquals(
        BenchConfig.dataSetCacheBytes(1_000_000, 10, 1, 16, 100),
        config("--records", "1000000", "--ops", "10").cacheBytes(),
        "auto is the default");
    assertEquals(2, run("--cache-size", "lots"));
    assertTrue(
        err.toString()
            .contains("--cache-size must be a size (256m, 1g), auto or default, got 'lots'"),
        err.toString());
    assertEquals(2, run("--cache-size", "100k"));
    assertTrue(err.toString().contains("cache size must be at least 1 MiB"), err.toString());
  }

  private static BenchConfig config(String... args) {
    BenchCommand c = new BenchCommand();
    new CommandLine(c).parseArgs(args);
    return c.config();
  }

  @Test
  void workloadGroupsExpand() {
    assertEquals(6, BenchCommand.parseWorkloads(List.of("ycsb")).size());
    assertEquals(
        Workload.values().length, BenchCommand.parseWorkloads(List.of("ycsb", "dbbench")).size());
    assertEquals(
        List.of(Workload.YCSB_A, Workload.READRANDOM),
        BenchCommand.parseWorkloads(List.of("YCSB-A", " readrandom")));
    assertThrows(IllegalArgumentException.class, () -> BenchCommand.parseWorkloads(List.of("x")));
  }

  @Test
  void listsTargetsAndWorkloads() {
    assertEquals(0, run("--list"));
    assertTrue(
        out.toString().contains("mvstore") && out.toString().contains("ycsb-e"), out.toString());
    assertTrue(
        out.toString().contains("lmdb") && out.toString().contains("chronicle-map"),
        out.toString());
  }

  @Test
  void peersAreListedAsPeersAndNeverInstalledAsEngines() {
    var kinds = new java.util.HashMap<String, String>();
    dev.cairn.bench.BenchRunner.available().forEach(t -> kinds.put(t.name(), t.kind()));
    assertEquals("peer", kinds.get("lmdb"));
    assertEquals("peer", kinds.get("chronicle-map"));
    assertEquals("peer", kinds.get("mvstore"));
    assertEquals("engine", kinds.get("memory"));
    var services = new java.util.ArrayList<String>();
    java.util.ServiceLoader.load(dev.cairn.spi.StorageEngineProvider.class)
        .forEach(p -> services.add(p.name()));
    assertTrue(services.contains("memory"), services.toString());
    for (String peer : List.of("lmdb", "chronicle-map", "mvstore")) {
      assertTrue(!services.contains(peer), peer + " is no StorageEngineProvider: " + services);
    }
  }

  @Test
  void runsAPeerAndWritesJsonAndCharts() throws Exception {
    Path json = tmp.resolve("out.json");
    Path svg = tmp.resolve("out.svg");
    int code =
        run(
            "--engines",
            "mvstore",
            "--workloads",
            "readrandom,fillseq",
            "--records",
            "300",
            "--ops",
            "300",
            "--dir",
            tmp.resolve("stores").toString(),
            "--no-progress",
            "--json",
            json.toString(),
            "--chart",
            svg.toString());
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("readrandom") && out.toString().contains("mvstore"));
    assertTrue(Files.readString(json).contains("\"workload\": \"fillseq\""));
    assertTrue(Files.size(svg) > 0);
  }

  @Test
  void tailOptionsAreCheckedAndTheTimelineChartIsWritten() throws Exception {
    assertEquals(2, run("--burst", "5"));
    assertTrue(err.toString().contains("--burst must be MS/EVERY_MS"), err.toString());
    assertEquals(2, run("--burst", "500/500"));
    assertTrue(err.toString().contains("bursts must start further apart"), err.toString());
    assertEquals(2, run("--read-rate", "0"));
    assertTrue(err.toString().contains("read rate must be >= 1"), err.toString());
    assertEquals(
        2, run("--workloads", "readrandom", "--timeline-chart", tmp.resolve("t.png").toString()));
    assertTrue(err.toString().contains("--timeline-chart needs a timeline"), err.toString());
    Path png = tmp.resolve("timeline.png");
    Path json = tmp.resolve("t.json");
    int code =
        run(
            "--engines",
            "memory",
            "--workloads",
            "readwhilebursting",
            "--records",
            "300",
            "--ops",
            "1500",
            "--read-rate",
            "1000",
            "--burst",
            "200/500",
            "--durability",
            "sync",
            "--dir",
            tmp.resolve("stores").toString(),
            "--no-progress",
            "--json",
            json.toString(),
            "--timeline-chart",
            png.toString());
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("reads during bursts"), out.toString());
    assertTrue(Files.size(png) > 10_000, "a picture: " + Files.size(png));
    assertTrue(Files.readString(json).contains("\"burstEveryMillis\": 500"));
    assertTrue(Files.readString(json).contains("\"durability\": \"SYNC\""));
  }

  @Test
  void progressBarRendersItsFraction() {
    assertEquals("[###############...............]  50% x", ProgressBar.render("x", 5, 10));
    assertEquals("[##############################] 100% y", ProgressBar.render("y", 7, 0));
  }
}
