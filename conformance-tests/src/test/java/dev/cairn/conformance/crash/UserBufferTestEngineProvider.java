package dev.cairn.conformance.crash;

/**
 * The log engine that keeps BUFFERED writes in process memory, with the no-argument constructor a
 * child process needs: the kill test must catch it.
 */
public final class UserBufferTestEngineProvider extends TestEngineProvider {
  /** The unsafe log engine. */
  public UserBufferTestEngineProvider() {
    super(Kind.LOG, Flaw.USER_SPACE_BUFFER);
  }
}
