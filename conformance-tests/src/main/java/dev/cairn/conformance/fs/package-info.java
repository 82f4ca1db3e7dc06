/**
 * A fault-injecting file system for crash and fault tests.
 *
 * <p>Reading order: {@link dev.cairn.conformance.fs.FaultyFileSystem} (what a test uses), {@link
 * dev.cairn.conformance.fs.PowerCut} and {@link dev.cairn.conformance.fs.CrashMode} (what a power
 * cut leaves), {@link dev.cairn.conformance.fs.Faults} (I/O errors, full disk, power loss at an
 * operation), then the model behind them, {@code DiskModel}, and the NIO plumbing, {@code
 * FaultyFileSystemProvider}, {@code FaultyPath} and {@code FaultyFileChannel}.
 */
package dev.cairn.conformance.fs;
