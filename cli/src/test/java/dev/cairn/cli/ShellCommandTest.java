package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Words and commands for replay lines. */
class ShellCommandTest {

  @Test
  void plainWordsStayAsTheyAre() {
    assertEquals(
        "/tmp/engine-1.0.jar:/opt/x.jar", ShellCommand.quote("/tmp/engine-1.0.jar:/opt/x.jar"));
    assertEquals("block-cache.size=32m", ShellCommand.quote("block-cache.size=32m"));
  }

  @Test
  void wordsAShellWouldSplitOrExpandAreSingleQuoted() {
    assertEquals("'/tmp/my engines/e.jar'", ShellCommand.quote("/tmp/my engines/e.jar"));
    assertEquals("'a{b,c}'", ShellCommand.quote("a{b,c}"));
    assertEquals("'$HOME'", ShellCommand.quote("$HOME"));
    assertEquals("'it'\\''s'", ShellCommand.quote("it's"));
    assertEquals("''", ShellCommand.quote(""));
  }

  @Test
  void theLauncherNamesItselfInReplayLines() {
    String before = System.getProperty(ShellCommand.LAUNCHER);
    System.setProperty(ShellCommand.LAUNCHER, "/opt/cairn dir/cairn");
    try {
      assertEquals("'/opt/cairn dir/cairn'", ShellCommand.cairn());
    } finally {
      if (before == null) {
        System.clearProperty(ShellCommand.LAUNCHER);
      } else {
        System.setProperty(ShellCommand.LAUNCHER, before);
      }
    }
  }
}
