/**
 * Parts engine authors may reuse. Depends on the SPI only; every class is thread-safe as its
 * javadoc states and throws only {@link dev.cairn.spi.StorageException}s.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.engine.toolkit.Bytes}: key order and printing.
 *   <li>{@link dev.cairn.engine.toolkit.Crc32c} and {@link dev.cairn.engine.toolkit.Varints}: the
 *       checksums and integer encodings formats are built from.
 *   <li>{@link dev.cairn.engine.toolkit.RecordFormat}, then {@link
 *       dev.cairn.engine.toolkit.RecordWriter} and {@link dev.cairn.engine.toolkit.RecordReader}:
 *       checksummed record logs, specified in {@code docs/formats/toolkit-record.md}.
 *   <li>{@link dev.cairn.engine.toolkit.SyncedFiles} and {@link
 *       dev.cairn.engine.toolkit.DirectoryLock}: fsync discipline and the store lock.
 * </ol>
 *
 * <h2>File systems</h2>
 *
 * <p>All file I/O goes through the {@link java.nio.file.Path} a caller passes, so every part works
 * on any NIO file system, including the conformance suite's fault-injecting one. Nothing here
 * touches the default file system.
 */
package dev.cairn.engine.toolkit;
