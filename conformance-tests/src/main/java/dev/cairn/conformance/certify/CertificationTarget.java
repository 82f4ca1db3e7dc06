package dev.cairn.conformance.certify;

import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/**
 * The engine a certification run tests, handed from {@link Certification} to the suite class the
 * JUnit launcher instantiates. Set only while {@link Certification} holds its run lock.
 */
final class CertificationTarget {

  private static volatile StorageEngineProvider provider;
  private static volatile Map<String, String> settings = Map.of();

  private CertificationTarget() {}

  static void set(StorageEngineProvider p, Map<String, String> s) {
    provider = p;
    settings = Map.copyOf(s);
  }

  static void clear() {
    provider = null;
    settings = Map.of();
  }

  static StorageEngineProvider provider() {
    StorageEngineProvider p = provider;
    if (p == null) {
      throw new IllegalStateException(
          "CertifiedEngineSuite runs only through Certification.run, which names the engine");
    }
    return p;
  }

  static Map<String, String> settings() {
    return settings;
  }
}
