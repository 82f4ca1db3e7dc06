/**
 * The shadow engine: a candidate engine run beside the primary of a store, every acknowledged write
 * mirrored to it and a sample of reads compared, with no effect on what the primary's callers see.
 * The canary of an engine swap; {@code docs/shadow.md}.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.runtime.shadow.ShadowEngine}: the store handle and its builder; {@link
 *       dev.cairn.runtime.shadow.ShadowReport}: what it reports.
 *   <li>{@code WriteOrder}: sequence numbers and key slots, which decide which sampled reads can be
 *       judged fairly while writes race.
 *   <li>{@code Mirror}: the bounded queue and the one thread that calls the candidate.
 *   <li>{@code ShadowFigures} (counts, examples, the Micrometer meters as views of them) and {@code
 *       LatencyHistogram}.
 *   <li>{@code ShadowReportFile}: the report published for {@code cairn shadow-report} ({@code
 *       docs/formats/shadow-report.md}).
 * </ol>
 */
package dev.cairn.runtime.shadow;
