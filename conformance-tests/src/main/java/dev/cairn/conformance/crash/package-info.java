/**
 * Crash and fault testing: the campaigns that hold a durable engine to the crash guarantees of
 * {@link dev.cairn.spi.Durability}.
 *
 * <p>Reading order: {@link dev.cairn.conformance.crash.CrashConformanceSuite} (the one hook an
 * engine extends), then the campaigns it runs ({@code PowerCutCampaign}, {@code
 * ExhaustiveCampaign}, {@code RecoveryCrashCampaign}, {@code IoErrorCampaign}, {@code
 * CorruptionCampaign}, {@code ProcessKillCampaign} with {@link
 * dev.cairn.conformance.crash.KillChild}), the {@code Oracle} that judges what survived, the seeded
 * {@code Workload} and its self-checking {@code Values}, and the reports ({@link
 * dev.cairn.conformance.crash.CrashReport}, {@link dev.cairn.conformance.crash.CrashReports}). The
 * file system they run on is {@link dev.cairn.conformance.fs.FaultyFileSystem}.
 */
package dev.cairn.conformance.crash;
