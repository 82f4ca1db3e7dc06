package dev.cairn.engine.hash;

import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Opening hash stores in tests, and looking at their files. */
final class TestStores {

  private TestStores() {}

  static HashEngine open(Path dir, Map<String, String> settings) {
    return open(dir, settings, false);
  }

  static HashEngine open(Path dir, Map<String, String> settings, boolean readOnly) {
    return open(dir, settings, readOnly, EngineEventListener.NONE);
  }

  static HashEngine open(
      Path dir, Map<String, String> settings, boolean readOnly, EngineEventListener events) {
    return (HashEngine)
        new HashEngineProvider()
            .open(
                EngineOptions.builder()
                    .directory(dir)
                    .readOnly(readOnly)
                    .eventListener(events)
                    .settings(
                        Stream.concat(
                                Map.of("merge.interval", "3600000").entrySet().stream(),
                                settings.entrySet().stream())
                            .collect(
                                java.util.stream.Collectors.toMap(
                                    Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b)))
                    .build());
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
