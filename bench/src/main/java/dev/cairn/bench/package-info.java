/**
 * Benchmarks that choose an engine: YCSB core workloads A–F and db_bench-style workloads over Cairn
 * engines and bench-only peers, measured side by side.
 *
 * <p>Reading order: {@link dev.cairn.bench.Workload} (what runs), {@link
 * dev.cairn.bench.BenchConfig} (how much), {@link dev.cairn.bench.BenchRunner} (the method: load
 * once, interleave targets, warm up, measure), {@code WorkloadDriver} (client threads and
 * histograms), then the outputs {@link dev.cairn.bench.ResultTable}, {@link
 * dev.cairn.bench.ResultJson} and {@link dev.cairn.bench.ChartWriter}. Key distributions live in
 * {@code dev.cairn.bench.workload}; the stores measured in {@code dev.cairn.bench.store}.
 */
package dev.cairn.bench;
