/**
 * The engine contract, version {@link dev.cairn.spi.SpiVersion#CURRENT}.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.spi.StorageEngineProvider}: how an engine is named, versioned, described
 *       and opened.
 *   <li>{@link dev.cairn.spi.EngineOptions}: what an engine is opened with.
 *   <li>{@link dev.cairn.spi.StorageEngine}: the handle, its operations and their durability.
 *   <li>{@link dev.cairn.spi.Cursor}, {@link dev.cairn.spi.Snapshot}, {@link
 *       dev.cairn.spi.ByteView}: the handles an engine lends, and their lifetimes.
 *   <li>{@link dev.cairn.spi.StorageException}: the only exceptions that cross the boundary.
 * </ol>
 *
 * <h2>Keys and values</h2>
 *
 * <p>Keys and values are byte strings. Keys order by unsigned lexicographic comparison ({@link
 * java.util.Arrays#compareUnsigned(byte[], byte[])}): {@code 0x00 < 0x7F < 0x80 < 0xFF}, and a key
 * orders before every longer key it is a prefix of. The empty key is a valid key, the smallest one.
 * The empty value is a valid value, distinct from absence. Sizes are bounded by {@link
 * dev.cairn.spi.Limits}.
 *
 * <p>Every array passed in belongs to the caller: an engine copies what it keeps. Every array
 * handed out belongs to the caller: an engine never writes to it afterwards.
 */
package dev.cairn.spi;
