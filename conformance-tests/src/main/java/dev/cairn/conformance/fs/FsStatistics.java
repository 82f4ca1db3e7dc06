package dev.cairn.conformance.fs;

/**
 * What a {@link FaultyFileSystem} has done, for reports.
 *
 * @param reads channel reads
 * @param writes channel writes
 * @param forces forces of files and directories
 * @param creates files created
 * @param renames renames
 * @param deletes deletes
 * @param faultsInjected I/O errors injected (not counting power losses)
 * @param powerCuts simulated power cuts
 * @param openHandles channels and directory streams open now
 * @param peakOpenHandles the most open at once
 * @param mappings regions of files mapped into memory
 */
public record FsStatistics(
    long reads,
    long writes,
    long forces,
    long creates,
    long renames,
    long deletes,
    long faultsInjected,
    long powerCuts,
    int openHandles,
    int peakOpenHandles,
    long mappings) {}
