package dev.cairn.engine.btree;

import dev.cairn.conformance.crash.CrashConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/**
 * The crash-and-fault group alone, for long runs: not picked up by the build (its name does not end
 * in {@code Test}); run one campaign at a time, scaled, with for example {@code ./mvnw -pl
 * engines/btree -am verify -Dtest='BtreeCrashCampaigns#randomPowerCuts' -Dcairn.crash.scale=20
 * -Dsurefire.failIfNoSpecifiedTests=false}. The build runs the same group once, at scale 1, inside
 * {@link BtreeConformanceTest}.
 */
class BtreeCrashCampaigns extends CrashConformanceSuite {

  @Override
  protected StorageEngineProvider provider() {
    return new BtreeEngineProvider();
  }

  @Override
  protected Map<String, String> settings() {
    return BtreeConformanceTest.SMALL;
  }
}
