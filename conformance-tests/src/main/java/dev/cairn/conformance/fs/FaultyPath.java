package dev.cairn.conformance.fs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path on a {@link FaultyFileSystem}: a real path of the default file system, wrapped so that
 * every operation on it goes through the faulty provider.
 *
 * <p>Immutable and thread-safe, as every {@link Path}.
 */
final class FaultyPath implements Path {

  private final FaultyFileSystem fs;
  final Path delegate;

  FaultyPath(FaultyFileSystem fs, Path delegate) {
    this.fs = fs;
    this.delegate = delegate;
  }

  private FaultyPath wrap(Path p) {
    return p == null ? null : new FaultyPath(fs, p);
  }

  private Path unwrap(Path other) {
    if (other instanceof FaultyPath f && f.fs == fs) {
      return f.delegate;
    }
    throw new ProviderMismatchException(
        "path " + other + " is not on the fault-injecting file system of " + this);
  }

  @Override
  public FaultyFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return delegate.isAbsolute();
  }

  @Override
  public Path getRoot() {
    return wrap(delegate.getRoot());
  }

  @Override
  public Path getFileName() {
    return wrap(delegate.getFileName());
  }

  @Override
  public Path getParent() {
    return wrap(delegate.getParent());
  }

  @Override
  public int getNameCount() {
    return delegate.getNameCount();
  }

  @Override
  public Path getName(int index) {
    return wrap(delegate.getName(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return wrap(delegate.subpath(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    return other instanceof FaultyPath f && f.fs == fs && delegate.startsWith(f.delegate);
  }

  @Override
  public boolean endsWith(Path other) {
    return other instanceof FaultyPath f && f.fs == fs && delegate.endsWith(f.delegate);
  }

  @Override
  public Path normalize() {
    return wrap(delegate.normalize());
  }

  @Override
  public Path resolve(Path other) {
    return wrap(delegate.resolve(unwrap(other)));
  }

  @Override
  public Path relativize(Path other) {
    return wrap(delegate.relativize(unwrap(other)));
  }

  @Override
  public URI toUri() {
    try {
      return new URI(
          FaultyFileSystemProvider.SCHEME, null, delegate.toAbsolutePath().toUri().getPath(), null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot make a URI of " + delegate, e);
    }
  }

  @Override
  public Path toAbsolutePath() {
    return wrap(delegate.toAbsolutePath());
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    return wrap(delegate.toRealPath(options));
  }

  @Override
  public WatchKey register(
      WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("the fault-injecting file system does not watch");
  }

  @Override
  public int compareTo(Path other) {
    return delegate.compareTo(unwrap(other));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FaultyPath f && f.fs == fs && f.delegate.equals(delegate);
  }

  @Override
  public int hashCode() {
    return delegate.hashCode();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
