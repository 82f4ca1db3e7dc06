package dev.cairn.spi;

/**
 * The deadline of the request ({@link RequestContext}) passed before the operation started, or
 * while a write waited to be taken into a commit group: the operation did nothing. A write already
 * being applied when its deadline passes finishes, atomically; it never leaves part of a batch.
 *
 * <p>Only requests bound with a deadline meet this exception.
 *
 * @since 1.2
 */
public final class DeadlineExceededException extends StorageException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what did not start and how late it was
   * @param requestId the request whose deadline passed
   */
  public DeadlineExceededException(String message, String requestId) {
    super(message, requestId);
  }
}
