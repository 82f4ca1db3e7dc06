package dev.cairn.runtime;

import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StorageException;

/**
 * Why the registry refused a provider it found: kept so that the reason is thrown to whoever asks
 * for the engine by name, and listed by {@link EngineRegistry#problems()}.
 *
 * @param name the name the provider claimed, or null when it has none (its {@code name()} threw, or
 *     it could not even be loaded)
 * @param message the whole explanation, naming the provider class
 * @param incompatible true for an SPI-version mismatch ({@link IncompatibleVersionException}),
 *     false for a broken provider ({@link ContractViolationException})
 * @param cause what the provider threw, or null
 */
record Refusal(String name, String message, boolean incompatible, Throwable cause)
    implements ProviderCheck.Outcome {

  static Refusal broken(String name, String message, Throwable cause) {
    return new Refusal(name, message, false, cause);
  }

  static Refusal incompatible(String name, String message) {
    return new Refusal(name, message, true, null);
  }

  /** A new exception for each throw, so its stack shows the caller that asked. */
  StorageException toException() {
    return incompatible
        ? new IncompatibleVersionException(message, cause)
        : new ContractViolationException(message, cause);
  }
}
