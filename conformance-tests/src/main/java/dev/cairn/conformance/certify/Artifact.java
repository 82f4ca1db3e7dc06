package dev.cairn.conformance.certify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a class was loaded from, and the SHA-256 of that file: what lets a reader of a certificate
 * tell whether the jar in hand is the one that was certified.
 *
 * <p>Immutable and thread-safe.
 *
 * @param location the jar or directory the class's module (or, on the class path, its code source)
 *     was loaded from; empty when the class loader does not say (a class defined at run time)
 * @param sha256 the lower-case hex SHA-256 of the file at {@code location}; empty when the location
 *     is a directory (an exploded module, a build's {@code target/classes}) or unknown
 */
public record Artifact(Optional<Path> location, Optional<String> sha256) {

  /** The artifact {@code type} was loaded from, hashed when it is a file. */
  public static Artifact of(Class<?> type) {
    Optional<Path> location = locate(type);
    return new Artifact(location, location.filter(Files::isRegularFile).map(Artifact::sha256));
  }

  /** The lower-case hex SHA-256 of {@code file}'s bytes. */
  static String sha256(Path file) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " to hash it", e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static Optional<Path> locate(Class<?> type) {
    Module m = type.getModule();
    if (m.isNamed() && m.getLayer() != null) {
      return m.getLayer()
          .configuration()
          .findModule(m.getName())
          .map(ResolvedModule::reference)
          .flatMap(ModuleReference::location)
          .flatMap(Artifact::path);
    }
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      return path(source.getLocation().toURI());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> path(URI uri) {
    if (!"file".equals(uri.getScheme())) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(uri));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The artifact as the report's JSON writes it: {@code location} and {@code sha256}, or null. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("location", location.map(Path::toString).orElse(null));
    m.put("sha256", sha256.orElse(null));
    return m;
  }
}
