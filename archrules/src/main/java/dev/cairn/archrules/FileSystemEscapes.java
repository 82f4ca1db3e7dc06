package dev.cairn.archrules;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The ways code can reach a file without going through the {@link Path} it was given, and so around
 * a fault-injecting file system: every one of them resolves names on the default file system.
 *
 * <p>Stateless and thread-safe.
 */
final class FileSystemEscapes {

  /**
   * Classes whose every use names a file on the default file system. {@code FileReader} and {@code
   * FileWriter} are here because their constructors take a file name.
   */
  static final List<Class<?>> DEFAULT_FILE_SYSTEM_CLASSES =
      List.of(
          File.class,
          FileInputStream.class,
          FileOutputStream.class,
          RandomAccessFile.class,
          FileReader.class,
          FileWriter.class,
          Paths.class);

  private FileSystemEscapes() {}

  /**
   * Calls and method references that resolve a path on the default file system: {@code Path.of},
   * {@code FileSystems.getDefault}, and the {@code Files.createTemp*} overloads that take no
   * directory (they use the default temporary directory).
   */
  static DescribedPredicate<JavaAccess<?>> defaultFileSystemAccess() {
    return DescribedPredicate.describe(
        "Path.of, FileSystems.getDefault or Files.createTemp* without a directory",
        access -> {
          AccessTarget target = access.getTarget();
          JavaClass owner = target.getOwner();
          String name = target.getName();
          if (owner.isEquivalentTo(Path.class)) {
            return name.equals("of");
          }
          if (owner.isEquivalentTo(FileSystems.class)) {
            return name.equals("getDefault");
          }
          if (owner.isEquivalentTo(Files.class) && name.startsWith("createTemp")) {
            return target instanceof AccessTarget.CodeUnitAccessTarget codeUnit
                && !codeUnit.getRawParameterTypes().isEmpty()
                && codeUnit.getRawParameterTypes().getFirst().isEquivalentTo(String.class);
          }
          return false;
        });
  }
}
