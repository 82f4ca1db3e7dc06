package dev.cairn.bench.jmh;

import dev.cairn.engine.toolkit.Crc32c;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.engine.toolkit.RecordWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Record framing and checksums: the work every write-ahead log and table does per record.
 *
 * <ul>
 *   <li>{@code crc32c}: the toolkit's masked CRC32C of a payload (hardware-accelerated by the JDK).
 *   <li>{@code crc32}: plain CRC32 of the same bytes, for scale.
 *   <li>{@code frame}: a record framed in memory as {@code docs/formats/toolkit-record.md} draws it
 *       (checksum, length, type, payload; the checksum over length..payload).
 *   <li>{@code append}: {@link RecordWriter#append} to a file without sync: framing plus the write
 *       system call.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecordFramingBenchmark {

  @Param({"100", "4096"})
  int size;

  byte[] payload;
  ByteBuffer frame;
  Path dir;
  RecordWriter writer;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    payload = new byte[size];
    new SplittableRandom(2).nextBytes(payload);
    frame =
        ByteBuffer.allocate(RecordFormat.RECORD_HEADER_SIZE + size).order(ByteOrder.LITTLE_ENDIAN);
    dir = Files.createTempDirectory("cairn-jmh-");
    writer = RecordWriter.create(dir.resolve("log"));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    writer.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @Benchmark
  public int crc32c() {
    return Crc32c.mask(Crc32c.value(payload));
  }

  @Benchmark
  public long crc32() {
    CRC32 c = new CRC32();
    c.update(payload);
    return c.getValue();
  }

  @Benchmark
  public ByteBuffer frame() {
    ByteBuffer f = frame.clear();
    f.putInt(0).putInt(payload.length).put((byte) 1).put(payload);
    int crc = Crc32c.value(f.array(), 4, f.position() - 4);
    f.putInt(0, Crc32c.mask(crc));
    return f;
  }

  @Benchmark
  public long append() {
    return writer.append(1, payload);
  }
}
