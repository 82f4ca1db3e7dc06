/**
 * The Cairn storage engine SPI: what a key-value storage engine is.
 *
 * <p>This module depends on {@code java.base} only, and no third-party type ever appears in one of
 * its signatures. Engine authors implement {@link dev.cairn.spi.StorageEngineProvider}; users reach
 * engines through the {@code dev.cairn.runtime} module and hold {@link dev.cairn.spi.StorageEngine}
 * handles.
 */
module dev.cairn.spi {
  exports dev.cairn.spi;

  uses dev.cairn.spi.StorageEngineProvider;
}
