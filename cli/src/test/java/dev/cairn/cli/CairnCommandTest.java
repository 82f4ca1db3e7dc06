package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CairnCommandTest {

  @TempDir Path dir;

  @Test
  void versionNamesTheCliTheSpiAndTheJvm() {
    CliRun r = CliRun.run("--version");
    assertAll(
        r.describe(),
        () -> assertEquals(ExitCodes.OK, r.exitCode()),
        () -> assertTrue(r.out().startsWith("cairn "), "starts with the command name"),
        () -> assertFalse(r.out().contains("${"), "the version was filtered in by the build"),
        () -> assertTrue(r.out().contains("SPI " + SpiVersion.CURRENT)),
        () -> assertTrue(r.out().contains("Java " + Runtime.version().feature())));
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    CliRun r = CliRun.run("--help");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    for (String command : new String[] {"engines", "put", "get", "delete", "scan", "check"}) {
      assertTrue(r.out().contains("  " + command + " "), command + " listed\n" + r.out());
    }
    assertTrue(r.out().contains("Exit codes:"), r.out());
    assertTrue(r.out().contains("3   Storage error"), r.out());
  }

  @Test
  void helpSubcommandShowsTheSubcommandsOptions() {
    CliRun r = CliRun.run("help", "scan");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(r.out().contains("--prefix=PREFIX"), r.out());
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = CliRun.run();
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("Missing command"), r.err());
    assertTrue(r.out().isEmpty(), r.out());
  }

  @Test
  void unknownCommandSuggestsAKnownOne() {
    CliRun r = CliRun.run("engine");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("engines"), r.err());
  }

  @Test
  void unknownCommandNamesIt() {
    CliRun r = CliRun.run("replicate");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().startsWith("cairn: Unknown command: 'replicate'"), r.err());
  }

  @Test
  void unknownCommandWithHelpIsAUsageErrorNotTheTopLevelHelp() {
    for (String help : new String[] {"--help", "-h"}) {
      CliRun r = CliRun.run("replicate", help);
      assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
      assertTrue(r.err().startsWith("cairn: Unknown command: 'replicate'"), r.err());
      assertEquals("", r.out(), "no help printed");
    }
    CliRun option = CliRun.run("get", "--bogus", "--help");
    assertEquals(ExitCodes.USAGE, option.exitCode(), option.describe());
    assertTrue(option.err().contains("Unknown option: '--bogus'"), option.err());
    assertEquals("", option.out(), "no help printed");
  }

  @Test
  void helpOfAnUnknownCommandIsAUsageError() {
    CliRun r = CliRun.run("help", "replicate");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("'replicate'"), r.err());
  }

  @Test
  void theOperatingSystemsReasonIsNamedWhenTheMessageLacksIt() {
    StringWriter err = new StringWriter();
    CommandLine cmd = CairnCommand.commandLine(new CairnCommand(CliRun.testEngines()));
    cmd.setErr(new PrintWriter(err, true));
    int code =
        new ErrorReporter(() -> false)
            .handleExecutionException(
                new StorageIOException(
                    "/data/store: cannot create the directory",
                    new AccessDeniedException("/data/store")),
                cmd,
                null);
    assertEquals(ExitCodes.STORAGE, code);
    assertEquals(
        "cairn: I/O error: /data/store: cannot create the directory (permission denied)",
        err.toString().strip());

    StringWriter again = new StringWriter();
    cmd.setErr(new PrintWriter(again, true));
    new ErrorReporter(() -> false)
        .handleExecutionException(
            new StorageIOException(
                "/data/LOCK: permission denied: cannot lock",
                new AccessDeniedException("/data/LOCK")),
            cmd,
            null);
    assertEquals(
        "cairn: I/O error: /data/LOCK: permission denied: cannot lock",
        again.toString().strip(),
        "a reason the message already gives is not repeated");
  }

  @Test
  void unknownOptionIsAUsageErrorWithAHint() {
    CliRun r = CliRun.run("get", "--dir", dir.toString(), "--bogus", "k");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
    assertTrue(r.err().contains("Try 'cairn get --help'"), r.err());
  }

  @Test
  void storageErrorsPrintOneLineWithoutAStackTrace() {
    CliRun r = failingOpen();
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertTrue(r.err().startsWith("cairn put: I/O error: "), r.err());
    assertTrue(r.err().contains("simulated failure"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose\n" + r.err());
  }

  @Test
  void verboseShowsTheStackTrace() {
    CliRun r = failingOpen("--verbose");
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void verboseBeforeTheCommandWorksToo() {
    CliRun r =
        CliRun.run(
            "--verbose",
            "put",
            "--dir",
            dir.toString(),
            "--engine",
            "testfile",
            "--setting",
            "fail-open=true",
            "k",
            "v");
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  private CliRun failingOpen(String... extra) {
    String[] args = {
      "put", "--dir", dir.toString(), "--engine", "testfile", "-s", "fail-open=true", "k", "v"
    };
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    return CliRun.run(all);
  }

  @Test
  void everyStorageExceptionKindHasAnExitCodeOfUsageOrStorage() {
    assertEquals(
        ExitCodes.USAGE,
        ErrorReporter.exitCode(new dev.cairn.spi.EngineNotFoundException("no engine 'x'")));
    assertEquals(
        ExitCodes.USAGE,
        ErrorReporter.exitCode(new dev.cairn.spi.InvalidArgumentException("key too long")));
    assertEquals(
        ExitCodes.STORAGE,
        ErrorReporter.exitCode(new dev.cairn.spi.CorruptionException("bad checksum")));
    assertEquals(
        "store locked",
        ErrorReporter.kind(new dev.cairn.spi.StoreLockedException("held by pid 42")));
  }
}
