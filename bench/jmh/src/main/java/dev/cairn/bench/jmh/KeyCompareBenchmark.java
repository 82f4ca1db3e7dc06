package dev.cairn.bench.jmh;

import dev.cairn.engine.toolkit.Bytes;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unsigned lexicographic key comparison, the order every engine sorts by: the toolkit's {@code
 * Bytes.compare} against a byte-at-a-time loop. Keys share a prefix of {@code prefix} bytes, as
 * keys in one table do, so the comparison runs that far before it decides.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyCompareBenchmark {

  @Param({"16", "64", "256"})
  int size;

  byte[] a;
  byte[] b;

  @Setup
  public void setup() {
    a = new byte[size];
    new SplittableRandom(1).nextBytes(a);
    b = a.clone();
    b[size - 1] ^= 0x40; // differ in the last byte only
  }

  @Benchmark
  public int toolkitCompare() {
    return Bytes.compare(a, b);
  }

  @Benchmark
  public int arraysCompareUnsigned() {
    return Arrays.compareUnsigned(a, b);
  }

  @Benchmark
  public int byteLoop() {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int c = (a[i] & 0xFF) - (b[i] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return a.length - b.length;
  }
}
