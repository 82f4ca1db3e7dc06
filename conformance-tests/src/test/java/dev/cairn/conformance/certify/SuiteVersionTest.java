package dev.cairn.conformance.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.SpiVersion;
import org.junit.jupiter.api.Test;

class SuiteVersionTest {

  @Test
  void aSnapshotBuildIsItsReleaseNumberNotReleased() {
    SuiteVersion v = SuiteVersion.of("0.1.0-SNAPSHOT", "1.0");
    assertEquals("0.1.0", v.version());
    assertFalse(v.released());
    assertEquals("0.1.0-SNAPSHOT", v.build());
    assertEquals("0.1.0 (unreleased)", v.toString());
  }

  @Test
  void aReleaseBuildIsReleased() {
    SuiteVersion v = SuiteVersion.of("0.1.0", "1.0");
    assertEquals("0.1.0", v.version());
    assertTrue(v.released());
    assertEquals("0.1.0", v.toString());
  }

  @Test
  void theCurrentVersionComesFromTheBuildWithTheSpiItRunsWith() {
    SuiteVersion v = SuiteVersion.current();
    assertTrue(v.version().matches("\\d+\\.\\d+\\.\\d+.*"), v.toString());
    assertTrue(v.build().startsWith(v.version()), v.build());
    assertEquals(SpiVersion.CURRENT.toString(), v.spiVersion());
  }
}
