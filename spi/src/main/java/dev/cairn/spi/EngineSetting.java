package dev.cairn.spi;

/**
 * An engine-specific setting a provider accepts in {@link EngineOptions#settings()}.
 *
 * @param name the key, lower-case dotted words ({@code "memtable.size"})
 * @param description what it controls and its unit, for {@code cairn engines} and docs
 * @param defaultValue the value used when the setting is absent, as text
 */
public record EngineSetting(String name, String description, String defaultValue) {

  /**
   * @throws InvalidArgumentException if the name or description is null or blank
   */
  public EngineSetting {
    if (name == null || !name.matches("[a-z][a-z0-9]*([.-][a-z0-9]+)*")) {
      throw new InvalidArgumentException("invalid setting name '" + name + "'");
    }
    if (description == null || description.isBlank()) {
      throw new InvalidArgumentException("setting '" + name + "' needs a description");
    }
  }
}
