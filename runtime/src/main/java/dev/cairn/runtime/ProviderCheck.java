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
 * when it was built against another SPI major version, or when one of its describing methods throws
 * or returns null. Checking never throws for a bad provider: the outcome is a {@link Refusal} the
 * registry keeps. Only a {@link VirtualMachineError} escapes.
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
      if (spi.major() != SpiVersion.CURRENT.major()) {
        return Refusal.incompatible(
            name,
            who
                + " was built against SPI "
                + spi
                + "; this runtime implements SPI "
                + SpiVersion.CURRENT);
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
