package dev.cairn.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit ceiling's loops run, leave no file behind, and refuse bad options by name. */
class GroupCommitCeilingTest {

  @TempDir Path dir;

  @Test
  void bothLoopsRunEveryPutAndLeaveNoLogBehind() throws Exception {
    double one = GroupCommitCeiling.oneWriter(dir.resolve("one.log"), 50);
    double many = GroupCommitCeiling.group(dir.resolve("group.log"), 4, 103);
    assertTrue(one > 0 && Double.isFinite(one), "one writer: " + one);
    assertTrue(many > 0 && Double.isFinite(many), "4 writers: " + many);
    assertEquals(0, entries(dir), "the logs are deleted after their loops");
  }

  @Test
  void mainRunsRoundsInTheDirectoryGiven() throws Exception {
    GroupCommitCeiling.main(
        new String[] {"--dir", dir.toString(), "--writers", "3", "--ops", "40", "--rounds", "1"});
    assertEquals(0, entries(dir));
  }

  @Test
  void badOptionsAreRefusedByName() {
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> GroupCommitCeiling.main(new String[] {"--threads", "4"}));
    assertTrue(unknown.getMessage().contains("unknown option --threads"), unknown.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () -> GroupCommitCeiling.main(new String[] {"--writers", "0"}));
    assertTrue(
        zero.getMessage().contains("--writers must be a positive number"), zero.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> GroupCommitCeiling.main(new String[] {"--ops"}));
    assertTrue(missing.getMessage().contains("--ops needs a value"), missing.getMessage());
    IllegalArgumentException tooMany =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GroupCommitCeiling.main(
                    new String[] {"--dir", dir.toString(), "--ops", "1000000000"}));
    assertTrue(tooMany.getMessage().contains("preallocated"), tooMany.getMessage());
  }

  private static long entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
