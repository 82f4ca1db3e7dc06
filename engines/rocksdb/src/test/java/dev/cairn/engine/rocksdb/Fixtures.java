package dev.cairn.engine.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.rocksdb.Options;

/** What the engine's own tests share: opening stores, bytes, threads. */
final class Fixtures {

  private Fixtures() {}

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  static RocksDbEngine open(Path dir) {
    return open(dir, Map.of());
  }

  static RocksDbEngine open(Path dir, Map<String, String> settings) {
    return open(dir, settings, o -> {});
  }

  static RocksDbEngine open(Path dir, Map<String, String> settings, Consumer<Options> tuning) {
    return open(dir, settings, tuning, EngineEventListener.NONE);
  }

  static RocksDbEngine open(
      Path dir,
      Map<String, String> settings,
      Consumer<Options> tuning,
      EngineEventListener events) {
    EngineOptions options =
        EngineOptions.builder().directory(dir).settings(settings).eventListener(events).build();
    return RocksDbEngine.open(options, RocksDbSettings.from(options), tuning);
  }

  /** Every entry the cursor visits, as "key=value", and closes it. */
  static List<String> drain(Cursor c) {
    try (c) {
      List<String> out = new ArrayList<>();
      while (c.next()) {
        out.add(s(c.key()) + "=" + s(c.value()));
      }
      return out;
    }
  }

  interface Worker {
    void run(int thread) throws Exception;
  }

  /** Runs {@code work} on {@code n} threads started together; rethrows the first failure. */
  static void concurrently(int n, Worker work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  work.run(thread);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        try {
          f.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw (Exception) e.getCause();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
