package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn shadow-report}: what a live shadow engine has seen, read from the report its process
 * publishes ({@code ShadowEngine.Builder.reportFile}; {@code docs/formats/shadow-report.md}), as
 * {@code cairn stats} reads the statistics file (decision 0019): the file is trusted while its
 * writer is alive and its last write is within three of its intervals.
 */
@Command(
    name = "shadow-report",
    description = {
      "Prints what a live shadow engine has seen: writes mirrored, dropped and failed on the"
          + " candidate, sampled reads compared and mismatched (with examples), and both stores'"
          + " latencies.",
      "Reads the report the process running the shadow publishes in DIR"
          + " (ShadowEngine.Builder.reportFile); exit code 1 when no live shadow publishes there."
    })
final class ShadowReportCommand implements Callable<Integer> {

  /** The file a live shadow's process writes: {@code docs/formats/shadow-report.md}. */
  static final String FILE_NAME = "CAIRN-SHADOW.json";

  /** The format version this command reads. */
  static final int VERSION = 1;

  private static final ObjectMapper READER = new ObjectMapper();

  @Mixin HelpOption help;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "The directory the shadow publishes its report in (the primary's store).")
  Path dir;

  @Option(names = "--json", description = "The report as the file holds it, on one line.")
  boolean json;

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(
          spec.commandLine(), "no directory " + dir + (Files.exists(dir) ? " (a file)" : ""));
    }
    Path file = dir.resolve(FILE_NAME);
    ObjectNode report = read(file);
    String why =
        report == null
            ? "no shadow report in "
                + dir
                + " ("
                + FILE_NAME
                + " is missing, torn or of another format): start the shadow with"
                + " ShadowEngine.Builder.reportFile(dir, interval) (docs/shadow.md)"
            : staleness(report);
    if (why != null) {
      spec.commandLine().getErr().println("cairn: " + why);
      return ExitCodes.NOT_FOUND;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? report + "\n" : table(report));
    out.flush();
    return ExitCodes.OK;
  }

  private static ObjectNode read(Path file) {
    try {
      JsonNode node = READER.readTree(Files.readString(file));
      if (node instanceof ObjectNode o
          && "cairn-shadow-report".equals(o.path("format").asText())
          && o.path("version").asInt() == VERSION) {
        return o;
      }
      return null;
    } catch (NoSuchFileException e) {
      return null;
    } catch (JsonProcessingException e) {
      return null; // NB: not synced: a crash can leave it torn, as good as none
    } catch (IOException e) {
      return null;
    }
  }

  /** Why the report no longer describes a live shadow, or null while it does. */
  private static String staleness(ObjectNode file) {
    long pid = file.path("pid").asLong(-1);
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return "the shadow report in the directory is stale: its writer, process "
          + pid
          + ", is gone";
    }
    long age = System.currentTimeMillis() - file.path("writtenMillis").asLong(0);
    long limit = Math.max(3 * file.path("intervalMillis").asLong(0), 3000);
    if (age > limit) {
      return "the shadow report is stale: written " + age + " ms ago by process " + pid;
    }
    return null;
  }

  /** The plain table of a report. */
  static String table(JsonNode r) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "shadow %s: primary %s, candidate %s  (process %d, since %s, at %s)%n",
            r.path("shadow").asText(),
            r.path("primary").asText(),
            r.path("candidate").asText(),
            r.path("pid").asLong(),
            r.path("started").asText(),
            r.path("written").asText()));
    JsonNode w = r.path("writes");
    row(
        b,
        "writes",
        "%,d acknowledged, %,d mirrored, %,d dropped, %,d failed on the candidate",
        w.path("acknowledged").asLong(),
        w.path("mirrored").asLong(),
        w.path("dropped").asLong(),
        w.path("failed").asLong());
    JsonNode rd = r.path("reads");
    row(
        b,
        "reads",
        "%,d sampled (rate %s), %,d compared, %,d skipped (racing writes), %,d dropped, %,d failed",
        rd.path("sampled").asLong(),
        r.path("sampleRate").asText(),
        rd.path("compared").asLong(),
        rd.path("skipped").asLong(),
        rd.path("dropped").asLong(),
        rd.path("failed").asLong());
    long mismatches = rd.path("mismatches").asLong();
    row(b, "mismatches", "%,d%s", mismatches, mismatches == 0 ? "" : "  <-- the stores disagree");
    row(
        b,
        "candidate slower",
        "%,d operations by more than %s",
        r.path("candidateSlower").asLong(),
        micros(r.path("slowerByNanos").asLong()));
    row(
        b,
        "queue",
        "%,d of %,d; mirror %s",
        r.path("queue").path("queued").asLong(),
        r.path("queue").path("capacity").asLong(),
        r.path("mirror").asText());
    b.append(
        String.format(
            Locale.ROOT,
            "%-18s %10s %10s %10s %10s %10s %10s%n",
            "latency",
            "count",
            "mean",
            "p50",
            "p99",
            "p99.9",
            "max"));
    for (String side : new String[] {"primaryReads", "candidateReads", "primaryWrites"}) {
      latency(b, side, r.path("latency").path(side));
    }
    latency(b, "candidateWrites", r.path("latency").path("candidateWrites"));
    JsonNode examples = r.path("examples");
    if (examples.size() > 0) {
      b.append("first mismatches\n");
      for (JsonNode m : examples) {
        b.append(
            String.format(
                Locale.ROOT,
                "  %s  key %s%s (%d bytes)  primary %s, candidate %s%n",
                m.path("kind").asText(),
                m.path("key").asText(),
                m.path("keyspace").asText("default").equals("default")
                    ? ""
                    : " in keyspace " + m.path("keyspace").asText(),
                m.path("keyLength").asInt(),
                length(m.path("primaryLength").asInt()),
                length(m.path("candidateLength").asInt())));
      }
    }
    JsonNode failures = r.path("failures");
    if (failures.size() > 0) {
      b.append("first candidate failures\n");
      for (JsonNode f : failures) {
        b.append("  ").append(f.asText()).append('\n');
      }
    }
    return b.toString();
  }

  private static void latency(StringBuilder b, String name, JsonNode l) {
    b.append(
        String.format(
            Locale.ROOT,
            "  %-16s %,10d %10s %10s %10s %10s %10s%n",
            name,
            l.path("count").asLong(),
            micros(l.path("meanNanos").asLong()),
            micros(l.path("p50Nanos").asLong()),
            micros(l.path("p99Nanos").asLong()),
            micros(l.path("p999Nanos").asLong()),
            micros(l.path("maxNanos").asLong())));
  }

  private static String micros(long nanos) {
    return nanos >= 10_000_000
        ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
        : String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
  }

  private static String length(int n) {
    return n < 0 ? "absent" : n + " bytes";
  }

  private static void row(StringBuilder b, String name, String format, Object... args) {
    b.append(String.format(Locale.ROOT, "%-18s ", name))
        .append(String.format(Locale.ROOT, format, args))
        .append('\n');
  }
}
