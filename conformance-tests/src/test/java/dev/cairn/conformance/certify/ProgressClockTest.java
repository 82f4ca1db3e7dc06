package dev.cairn.conformance.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The time since the start in each group's progress line. */
class ProgressClockTest {

  @Test
  void minutesAndSecondsThenHours() {
    assertEquals("0:00", ReportListener.clock(Duration.ZERO));
    assertEquals("0:59", ReportListener.clock(Duration.ofMillis(59_999)));
    assertEquals("1:05", ReportListener.clock(Duration.ofSeconds(65)));
    assertEquals("59:59", ReportListener.clock(Duration.ofSeconds(3599)));
    assertEquals("1:00:00", ReportListener.clock(Duration.ofHours(1)));
    assertEquals("25:01:02", ReportListener.clock(Duration.ofSeconds(25 * 3600 + 62)));
  }
}
