package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngineProvider;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads what a provider says about itself, once, and decides whether the runtime can use it.
 *
 * <p>A provider is refused when its name is invalid ({@link StorageEngineProvider#isValidName}),
 * when it was built against another SPI major version or a newer minor version than this runtime's
 * ({@link #RUNTIME_SPI}: such a provider may rely on SPI methods this runtime does not have), or
 * when one of its describing methods throws or returns null. Checking never throws for a bad
 * provider: the outcome is a {@link Refusal} the registry keeps. Only a {@link VirtualMachineError}
 * escapes.
 */
final class ProviderCheck {

  /** The result of checking one provider. */
  sealed interface Outcome permits Accepted, Refusal {}

  /**
   * A provider the runtime can use.
   *
   * @param provider the provider
   * @param info what it said about itself when checked
   */
  record Accepted(StorageEngineProvider provider, EngineInfo info) implements Outcome {}

  /**
   * The SPI version this runtime was compiled against, and so implements: the boundary wraps every
   * method of this version and no newer one. NB: built from the compile-time constants, not {@link
   * SpiVersion#CURRENT}, which names the SPI jar present at run time, perhaps a newer one.
   */
  static final SpiVersion RUNTIME_SPI = new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);

  private ProviderCheck() {}

  static Outcome check(StorageEngineProvider provider) {
    String type = provider.getClass().getName();
    String name;
    try {
      name = provider.name();
    } catch (Throwable t) {
      rethrowFatal(t);
      return Refusal.broken(null, "engine provider " + type + " failed in name(): " + t, t);
    }
    if (!StorageEngineProvider.isValidName(name)) {
      return Refusal.broken(
          name,
          "engine provider "
              + type
              + " has an invalid name "
              + (name == null ? "(null)" : "'" + name + "'")
              + ": a name matches "
              + StorageEngineProvider.NAME.pattern(),
          null);
    }
    String who = "engine '" + name + "' (" + type + ")";
    try {
      SpiVersion spi = required(who, "spiVersion()", provider::spiVersion);
      Refusal refusal = refuseVersion(name, who, spi);
      if (refusal != null) {
        return refusal;
      }
      String version = required(who, "version()", provider::version);
      Set<Capability> capabilities = required(who, "capabilities()", provider::capabilities);
      List<EngineSetting> settings = required(who, "settings()", provider::settings);
      String description = required(who, "description()", provider::description);
      return new Accepted(
          provider, new EngineInfo(name, version, spi, capabilities, settings, description));
    } catch (BrokenProvider e) {
      return Refusal.broken(name, e.getMessage(), e.getCause());
    } catch (Throwable t) {
      rethrowFatal(t);
      return Refusal.broken(name, who + " describes itself badly: " + t, t);
    }
  }

  /**
   * The refusal of a provider built against {@code spi}, or null when this runtime can use it: the
   * same major version as {@link #RUNTIME_SPI}, and a minor version no newer.
   */
  static Refusal refuseVersion(String name, String who, SpiVersion spi) {
    if (spi.major() != RUNTIME_SPI.major()) {
      return Refusal.incompatible(
          name,
          who
              + " was built against SPI "
              + spi
              + ", another major version than this runtime's SPI "
              + RUNTIME_SPI
              + "; use a build of the engine for SPI "
              + RUNTIME_SPI.major()
              + ".x"
              + (spi.major() > RUNTIME_SPI.major()
                  ? ", or a Cairn that implements SPI " + spi
                  : ""));
    }
    if (spi.minor() > RUNTIME_SPI.minor()) {
      return Refusal.incompatible(
          name,
          who
              + " was built against SPI "
              + spi
              + ", newer than this runtime's SPI "
              + RUNTIME_SPI
              + "; upgrade Cairn or use a build of the engine for SPI "
              + RUNTIME_SPI);
    }
    return null;
  }

  private static <T> T required(String who, String method, Supplier<T> call) {
    T value;
    try {
      value = call.get();
    } catch (Throwable t) {
      rethrowFatal(t);
      throw new BrokenProvider(who + " failed in " + method + ": " + t, t);
    }
    if (value == null) {
      throw new BrokenProvider(who + " returned null from " + method, null);
    }
    return value;
  }

  static void rethrowFatal(Throwable t) {
    if (t instanceof VirtualMachineError e) {
      throw e;
    }
  }

  /** Carries a refusal's message out of {@link #required}; never escapes this class. */
  private static final class BrokenProvider extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BrokenProvider(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }
}
