package dev.cairn.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the CPU time the benchmark's worker threads spent per operation
 * ({@code ·cpu.time.per.op}, ns/op), beside JMH's wall-clock score.
 *
 * <p>Why: on a machine shared with other work, a thread waits for a processor as long as it runs,
 * and the wall-clock score of one benchmark differs from the next one's with the load of the
 * moment. CPU time counts only the time the thread ran, so the ratio of two benchmarks measured
 * minutes apart holds even when the load changed between them. It still includes what sharing costs
 * a running thread (caches filled by other processes), so it is a fair figure, not a perfect one.
 *
 * <p>Use: {@code -prof dev.cairn.bench.jmh.CpuTimeProfiler}. The worker threads are found by JMH's
 * naming ({@code ...-jmh-worker-N}); a thread first seen after an iteration started counts from its
 * start, which only a first warm-up iteration can see. Not thread-safe: JMH calls a profiler from
 * one thread.
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> before = new HashMap<>();

  /** Created by JMH. */
  public CpuTimeProfiler() {}

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    before.clear();
    for (Map.Entry<Long, Long> e : workerTimes().entrySet()) {
      before.put(e.getKey(), e.getValue());
    }
  }

  @Override
  public List<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    long cpu = 0;
    for (Map.Entry<Long, Long> e : workerTimes().entrySet()) {
      cpu += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    // NB: every operation the workers ran, with those JMH runs before and after the measured
    // window to keep the threads busy while others start and stop: all of them used the CPU time.
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : (double) cpu / ops;
    return List.of(new ScalarResult("·cpu.time.per.op", perOp, "ns/op", AggregationPolicy.AVG));
  }

  private Map<Long, Long> workerTimes() {
    Map<Long, Long> times = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains("-jmh-worker-")) {
        long cpu = threads.getThreadCpuTime(t.threadId());
        if (cpu >= 0) {
          times.put(t.threadId(), cpu);
        }
      }
    }
    return times;
  }
}
