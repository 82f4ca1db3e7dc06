package dev.cairn.conformance.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Failure messages in the report: bounded, and never without their replay line. */
class FailureMessageTest {

  @Test
  void aShortMessageIsKeptWhole() {
    AssertionError e = new AssertionError("diverged\nreplay: cairn certify --seed 7");
    assertEquals(e.toString(), ReportListener.describe(e));
  }

  @Test
  void aLongMessageLosesItsMiddleButKeepsItsReplayLineWhole() {
    String replay = "replay: java --module-path " + "/a/long/path.jar:".repeat(300) + " --seed 7";
    String steps = "  0: put 62 \"\" BUFFERED\n".repeat(300);
    AssertionError e = new AssertionError("diverged\n" + steps + replay);
    String described = ReportListener.describe(e);
    assertTrue(described.endsWith("\n" + replay), described);
    assertTrue(described.startsWith("java.lang.AssertionError: diverged\n"), described);
    assertTrue(described.contains("\n...\n"), described);
    assertTrue(described.length() < e.toString().length(), "cut: " + described.length() + " chars");
  }

  @Test
  void aLongMessageWithoutAReplayLineIsCutAtTheLimit() {
    AssertionError e = new AssertionError("x".repeat(10_000));
    String described = ReportListener.describe(e);
    assertEquals(ReportListener.MESSAGE_LIMIT + "\n...\n".length(), described.length());
  }
}
