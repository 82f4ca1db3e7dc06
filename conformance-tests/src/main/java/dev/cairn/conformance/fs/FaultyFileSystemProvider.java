package dev.cairn.conformance.fs;

import dev.cairn.conformance.fs.Faults.Op;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The provider of one {@link FaultyFileSystem}: every operation is counted, may be failed by its
 * {@link Faults}, is done on the real file, and is recorded in the disk model.
 *
 * <p>Not registered with {@link java.nio.file.spi.FileSystemProvider#installedProviders()}: paths
 * come from {@link FaultyFileSystem#root()}. Thread-safe.
 */
final class FaultyFileSystemProvider extends FileSystemProvider {

  static final String SCHEME = "cairn-faulty";

  private final FaultyFileSystem fs;

  FaultyFileSystemProvider(FaultyFileSystem fs) {
    this.fs = fs;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("make one with FaultyFileSystem.create");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    throw new FileSystemNotFoundException(uri.toString());
  }

  @Override
  public Path getPath(URI uri) {
    throw new FileSystemNotFoundException(uri.toString());
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    Path real = fs.real(path);
    fs.checkUp();
    fs.faults().check(Op.OPEN, real);
    synchronized (fs.lock) {
      DiskModel model = fs.model();
      fs.handles().checkLimit(real);
      boolean exists = Files.exists(real, LinkOption.NOFOLLOW_LINKS);
      boolean append = options.contains(StandardOpenOption.APPEND);
      boolean write = append || options.contains(StandardOpenOption.WRITE);
      boolean creates =
          !exists
              && write
              && (options.contains(StandardOpenOption.CREATE)
                  || options.contains(StandardOpenOption.CREATE_NEW));
      boolean truncates =
          exists && write && !append && options.contains(StandardOpenOption.TRUNCATE_EXISTING);
      if (creates) {
        fs.faults().check(Op.CREATE, real);
      }
      if (truncates) {
        fs.faults().check(Op.TRUNCATE, real);
      }
      FileChannel delegate = FileChannel.open(real, options, attrs);
      boolean directory = Files.isDirectory(real);
      DiskModel.Inode inode = null;
      if (model.tracks(real) && !directory) {
        inode = creates ? model.created(real) : model.inode(real);
        if (truncates) {
          model.truncated(inode, 0);
        }
      }
      FaultyFileChannel channel =
          new FaultyFileChannel(fs, real, delegate, inode, directory, append, write);
      fs.handles().opened(channel, "FileChannel", real);
      return channel;
    }
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    Path real = fs.real(dir);
    fs.checkUp();
    fs.faults().check(Op.OPEN, real);
    DirectoryStream<Path> delegate = Files.newDirectoryStream(real, p -> filter.accept(fs.wrap(p)));
    DirectoryStream<Path> stream =
        new DirectoryStream<>() {
          @Override
          public Iterator<Path> iterator() {
            Iterator<Path> it = delegate.iterator();
            return new Iterator<>() {
              @Override
              public boolean hasNext() {
                return it.hasNext();
              }

              @Override
              public Path next() {
                return fs.wrap(it.next());
              }
            };
          }

          @Override
          public void close() throws IOException {
            fs.handles().closed(this);
            delegate.close();
          }
        };
    try {
      fs.handles().opened(stream, "DirectoryStream", real);
    } catch (IOException e) {
      delegate.close();
      throw e;
    }
    return stream;
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Path real = fs.real(dir);
    fs.checkUp();
    fs.faults().check(Op.MKDIR, real);
    synchronized (fs.lock) {
      DiskModel model = fs.model();
      Files.createDirectory(real, attrs);
      if (model.tracks(real)) {
        model.mkdir(real);
      }
    }
  }

  @Override
  public void delete(Path path) throws IOException {
    Path real = fs.real(path);
    fs.checkUp();
    fs.faults().check(Op.DELETE, real);
    synchronized (fs.lock) {
      DiskModel model = fs.model();
      boolean directory = Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS);
      Files.delete(real);
      if (model.tracks(real)) {
        model.deleted(real, directory);
      }
    }
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
    if (Files.exists(fs.real(target), LinkOption.NOFOLLOW_LINKS)) {
      if (!replace) {
        throw new FileAlreadyExistsException(target.toString());
      }
      delete(target);
    }
    if (Files.isDirectory(fs.real(source))) {
      createDirectory(target);
      return;
    }
    try (FileChannel in = newFileChannel(source, Set.of(StandardOpenOption.READ));
        FileChannel out =
            newFileChannel(
                target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long pos = 0;
      while (in.read(buf, pos) > 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          pos += out.write(buf, pos);
        }
        buf.clear();
      }
    }
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Path from = fs.real(source);
    Path to = fs.real(target);
    fs.checkUp();
    fs.faults().check(Op.RENAME, from);
    synchronized (fs.lock) {
      DiskModel model = fs.model();
      boolean directory = Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS);
      Files.move(from, to, options);
      if (model.tracks(from) && model.tracks(to)) {
        model.renamed(from, to, directory);
      } else if (model.tracks(from)) {
        model.deleted(from, directory);
      }
    }
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    Path l = fs.real(link);
    Path e = fs.real(existing);
    fs.checkUp();
    fs.faults().check(Op.CREATE, l);
    synchronized (fs.lock) {
      DiskModel model = fs.model();
      Files.createLink(l, e);
      if (model.tracks(l) && model.tracks(e)) {
        model.linked(e, l);
      }
    }
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
    throw new UnsupportedOperationException(
        "the fault-injecting file system does not model symbolic links");
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    fs.checkUp();
    return fs.wrap(Files.readSymbolicLink(fs.real(link)));
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    fs.checkUp();
    return Files.isSameFile(fs.real(path), fs.real(path2));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    fs.checkUp();
    return Files.isHidden(fs.real(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    fs.checkUp();
    return Files.getFileStore(fs.real(path));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    fs.checkUp();
    Path real = fs.real(path);
    real.getFileSystem().provider().checkAccess(real, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    return Files.getFileAttributeView(fs.real(path), type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    fs.checkUp();
    return Files.readAttributes(fs.real(path), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    fs.checkUp();
    return Files.readAttributes(fs.real(path), attributes, options);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    fs.checkUp();
    Files.setAttribute(fs.real(path), attribute, value, options);
  }
}
