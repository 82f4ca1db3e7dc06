package dev.cairn.conformance.certify;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/** The suite on whichever engine {@link Certification} is certifying. */
class CertifiedEngineSuite extends EngineConformanceSuite {

  @Override
  protected StorageEngineProvider provider() {
    return CertificationTarget.provider();
  }

  @Override
  protected Map<String, String> settings() {
    return CertificationTarget.settings();
  }
}
