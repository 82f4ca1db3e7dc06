/**
 * The in-memory engine ({@code "memory"}): ordered, thread-safe, not durable. Exports nothing;
 * provides an engine.
 */
module dev.cairn.engine.memory {
  requires dev.cairn.spi;
  requires dev.cairn.engine.toolkit;

  provides dev.cairn.spi.StorageEngineProvider with
      dev.cairn.engine.memory.MemoryEngineProvider;
}
