/**
 * Engine-neutral export and import: a store's entries as a versioned, checksummed stream that any
 * Cairn engine can read back, and any program can read without Cairn.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.runtime.transfer.StoreExport} and {@link
 *       dev.cairn.runtime.transfer.StoreImport}: the entry points; {@link
 *       dev.cairn.runtime.transfer.TransferSummary} and {@link
 *       dev.cairn.runtime.transfer.TransferProgress}: what they report.
 *   <li>{@code ExportFormat}: the format's numbers, each named once; the format itself is {@code
 *       docs/formats/export-stream.md}, and why it is as it is, decision 0023.
 *   <li>{@code StreamWriter} and {@code StreamReader}: frames out and in, the reader verifying
 *       every checksum, count and digest, with bounded memory whatever the stream claims.
 *   <li>{@code EntryDigest}: the order-independent digest of a set of entries.
 * </ol>
 */
package dev.cairn.runtime.transfer;
