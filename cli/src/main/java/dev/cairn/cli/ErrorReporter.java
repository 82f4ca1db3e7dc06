package dev.cairn.cli;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineNotFoundException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns what went wrong into one line on standard error and an exit code.
 *
 * <p>Expected failures (a bad command line, any {@link StorageException}) print a message that
 * names the command and the kind of failure, and a stack trace only under {@code --verbose}.
 * Anything else is a bug and always prints its stack trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

  private final BooleanSupplier verbose;

  ErrorReporter(BooleanSupplier verbose) {
    this.verbose = verbose;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(name(cmd) + ": " + usageMessage(ex));
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + name(cmd) + " --help' for more information.");
    if (verbose.getAsBoolean()) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    int code;
    if (ex instanceof StorageException se) {
      err.println(name(cmd) + ": " + kind(se) + ": " + message(se));
      code = exitCode(se);
      if (verbose.getAsBoolean()) {
        ex.printStackTrace(err);
      }
    } else {
      err.println(name(cmd) + ": internal error: " + ex);
      ex.printStackTrace(err);
      code = ExitCodes.INTERNAL;
    }
    err.flush();
    return code;
  }

  /**
   * What a usage error says; a word where a command belongs that names none is an unknown command
   * (picocli calls it an "unmatched argument").
   */
  private static String usageMessage(ParameterException ex) {
    if (ex instanceof UnmatchedArgumentException u
        && !u.getCommandLine().getSubcommands().isEmpty()
        && !u.getUnmatched().isEmpty()
        && !u.isUnknownOption()) {
      return "Unknown command: '" + u.getUnmatched().getFirst() + "'";
    }
    return ex.getMessage();
  }

  /**
   * The exception's message, followed by the operating system's reason for the file-system failure
   * behind it (such as "permission denied") when the message does not already say it.
   */
  static String message(StorageException e) {
    String message = e.getMessage();
    String reason = fileSystemReason(e.getCause());
    if (reason != null
        && !message.toLowerCase(Locale.ROOT).contains(reason.toLowerCase(Locale.ROOT))) {
      return message + " (" + reason + ")";
    }
    return message;
  }

  /** The reason of the first file-system failure in the chain from {@code t}; null if none. */
  private static String fileSystemReason(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof ReadOnlyFileSystemException) {
        return "read-only file system";
      }
      if (t instanceof FileSystemException f) {
        if (f.getReason() != null) {
          return f.getReason();
        }
        return switch (f) {
          case AccessDeniedException _ -> "permission denied";
          case NoSuchFileException _ -> "no such file or directory";
          case NotDirectoryException _ -> "not a directory";
          case FileAlreadyExistsException _ -> "file exists";
          case DirectoryNotEmptyException _ -> "directory not empty";
          default -> null;
        };
      }
    }
    return null;
  }

  /** The exit code for a failure the SPI names; see {@link ExitCodes}. */
  static int exitCode(StorageException e) {
    return switch (e) {
      case EngineNotFoundException _ -> ExitCodes.USAGE;
      case InvalidArgumentException _ -> ExitCodes.USAGE;
      default -> ExitCodes.STORAGE;
    };
  }

  /** A few words for the kind of failure, so the message says what went wrong before why. */
  static String kind(StorageException e) {
    // NB: exhaustive over the sealed hierarchy, so a new SPI exception fails this build.
    return switch (e) {
      case BusyException _ -> "busy (retry later)";
      case ClosedHandleException _ -> "closed";
      case ConflictException _ -> "conflict";
      case ContractViolationException _ -> "engine contract violation";
      case CorruptionException _ -> "corrupt store";
      case DeadlineExceededException _ -> "deadline exceeded";
      case EngineFailedException _ -> "engine failed";
      case EngineNotFoundException _ -> "engine not found";
      case IncompatibleVersionException _ -> "incompatible store";
      case InvalidArgumentException _ -> "invalid argument";
      case InvalidStateException _ -> "invalid state";
      case ReadOnlyStoreException _ -> "read-only store";
      case StorageIOException _ -> "I/O error";
      case StoreLockedException _ -> "store locked";
      case UnsupportedCapabilityException _ -> "unsupported";
    };
  }

  private static String name(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }
}
