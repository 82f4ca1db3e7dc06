package dev.cairn.conformance.crash;

/** The correct log test engine, with the no-argument constructor a child process needs. */
public final class LogTestEngineProvider extends TestEngineProvider {
  /** The correct log engine. */
  public LogTestEngineProvider() {
    super(Kind.LOG, Flaw.NONE);
  }
}
