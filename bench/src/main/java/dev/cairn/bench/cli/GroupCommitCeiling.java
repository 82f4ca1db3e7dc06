package dev.cairn.bench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * How far group commit can carry {@code SYNC} writes on this machine, with no engine at all: the
 * ceiling against which an engine's "16 writers against one" figure is read.
 *
 * <p>Two loops over a log file preallocated with zeros and forced first (as the LSM engine keeps
 * its log), records of {@value #RECORD} bytes (a 16-byte key, a 100-byte value and a frame):
 *
 * <ul>
 *   <li><b>one writer</b>: the caller's own thread writes a record and forces the file ({@code
 *       fdatasync}), in a loop: the fastest a lone {@code SYNC} writer can be, with no hand-off;
 *   <li><b>{@code N} writers</b>: each queues its record and parks until it is durable; one force
 *       thread takes everything queued, writes it with one {@code pwrite}, forces once and wakes
 *       those writers: the least work a group commit can do (no memtable, no sequence numbers, no
 *       sibling wait).
 * </ul>
 *
 * <p>Usage: {@code java -cp bench/target/classes dev.cairn.bench.cli.GroupCommitCeiling [--dir D]
 * [--writers N] [--ops N] [--rounds N]}. Prints each round's figures and the ratio;
 * docs/benchmarks.md, "The ceiling: group commit with no engine", holds a quiet run.
 */
public final class GroupCommitCeiling {

  static final int RECORD = 140;
  private static final long PREALLOCATED = 64L << 20;

  private GroupCommitCeiling() {}

  public static void main(String[] args) throws Exception {
    Path dir = null;
    int writers = 16;
    long ops = 32_000;
    int rounds = 3;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--dir" -> dir = Path.of(v);
        case "--writers" -> writers = positive(a, v);
        case "--ops" -> ops = positive(a, v);
        case "--rounds" -> rounds = positive(a, v);
        default ->
            throw new IllegalArgumentException(
                "unknown option " + a + " (known: --dir, --writers, --ops, --rounds)");
      }
    }
    if (ops * RECORD > PREALLOCATED) {
      throw new IllegalArgumentException(
          "--ops " + ops + " needs more than the " + (PREALLOCATED >> 20) + " MiB preallocated");
    }
    Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ceiling");
    System.out.printf(
        Locale.ROOT,
        "group-commit ceiling: %d-byte records, %d ops a loop, %d writers, %d rounds, in %s; %d"
            + " processors%n",
        RECORD,
        ops,
        writers,
        rounds,
        root,
        Runtime.getRuntime().availableProcessors());
    oneWriter(root.resolve("warm-up.log"), ops / 4); // the compilers, and the file system's paths
    group(root.resolve("warm-up-group.log"), writers, ops / 4);
    for (int r = 1; r <= rounds; r++) {
      double one = oneWriter(root.resolve("one-" + r + ".log"), ops);
      double many = group(root.resolve("group-" + r + ".log"), writers, ops);
      System.out.printf(
          Locale.ROOT,
          "round %d: one writer %.0f puts/s, %d writers %.0f puts/s, ratio %.1fx%n",
          r,
          one,
          writers,
          many,
          many / one);
    }
    if (dir == null) {
      Files.deleteIfExists(root); // NB: every log in it was deleted after its loop
    }
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // NB: reported below
    }
    throw new IllegalArgumentException(option + " must be a positive number, not '" + value + "'");
  }

  /** A file of zeros, forced, with its directory: later forces change no size. */
  private static FileChannel preallocated(Path file) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long at = 0; at < PREALLOCATED; at += zeros.capacity()) {
      zeros.clear();
      while (zeros.hasRemaining()) {
        ch.write(zeros, at + zeros.position());
      }
    }
    ch.force(true);
    try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
    return ch;
  }

  /** One thread writes and forces each record itself; returns puts a second. */
  static double oneWriter(Path file, long ops) throws IOException {
    try (FileChannel ch = preallocated(file)) {
      ByteBuffer record = ByteBuffer.allocateDirect(RECORD);
      long start = System.nanoTime();
      for (long i = 0; i < ops; i++) {
        record.clear();
        record.putLong(0, i);
        long at = i * RECORD;
        while (record.hasRemaining()) {
          ch.write(record, at + record.position());
        }
        ch.force(false);
      }
      return ops * 1e9 / (System.nanoTime() - start);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** A writer's record waiting to be durable. */
  private static final class Put {
    final Thread writer = Thread.currentThread();
    final long value;
    volatile boolean durable;

    Put(long value) {
      this.value = value;
    }
  }

  /** {@code writers} threads, {@code ops} puts in all, through one force thread. */
  static double group(Path file, int writers, long ops) throws Exception {
    ConcurrentLinkedQueue<Put> queue = new ConcurrentLinkedQueue<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (FileChannel ch = preallocated(file)) {
      CountDownLatch done = new CountDownLatch(writers);
      Thread forcer =
          Thread.ofPlatform()
              .daemon()
              .name("ceiling-force")
              .start(() -> forceLoop(ch, queue, done, failure));
      List<Thread> threads = new ArrayList<>();
      long start = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        long share = ops / writers + (w < ops % writers ? 1 : 0);
        threads.add(
            Thread.ofPlatform()
                .name("ceiling-writer-" + w)
                .start(
                    () -> {
                      try {
                        for (long i = 0; i < share; i++) {
                          Put p = new Put(i);
                          queue.add(p);
                          LockSupport.unpark(forcer);
                          for (int spins = 0; !p.durable; spins++) {
                            if (spins < 64) {
                              Thread.onSpinWait();
                            } else {
                              LockSupport.park();
                            }
                          }
                        }
                      } finally {
                        done.countDown();
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      double rate = ops * 1e9 / (System.nanoTime() - start);
      LockSupport.unpark(forcer);
      forcer.join();
      if (failure.get() != null) {
        throw new IllegalStateException("the force thread failed", failure.get());
      }
      return rate;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void forceLoop(
      FileChannel ch,
      ConcurrentLinkedQueue<Put> queue,
      CountDownLatch done,
      AtomicReference<Throwable> failure) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(RECORD * 4096);
    List<Put> taken = new ArrayList<>();
    long end = 0;
    try {
      while (done.getCount() > 0 || !queue.isEmpty()) {
        Put p;
        while (taken.size() < 4096 && (p = queue.poll()) != null) {
          taken.add(p);
        }
        if (taken.isEmpty()) {
          LockSupport.parkNanos(1_000_000);
          continue;
        }
        buffer.clear();
        for (Put t : taken) {
          buffer.putLong(t.value).position(buffer.position() + RECORD - Long.BYTES);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          end += ch.write(buffer, end);
        }
        ch.force(false);
        for (Put t : taken) {
          t.durable = true;
          LockSupport.unpark(t.writer);
        }
        taken.clear();
      }
    } catch (IOException e) {
      failure.set(new UncheckedIOException(e));
    } catch (RuntimeException | Error e) {
      failure.set(e);
    }
    // NB: after a failure, no writer may wait for ever: release every one (the run then fails).
    while (failure.get() != null && done.getCount() > 0) {
      taken.addAll(queue);
      queue.clear();
      for (Put t : taken) {
        t.durable = true;
        LockSupport.unpark(t.writer);
      }
      taken.clear();
      LockSupport.parkNanos(1_000_000);
    }
  }
}
