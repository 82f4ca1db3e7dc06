package dev.cairn.conformance.reference;

import dev.cairn.spi.Capability;
import java.util.EnumSet;

/**
 * The durable reference engine, declaring every capability, as a class with a public no-argument
 * constructor: the process-kill test of the crash-and-faults group builds it by name in a child
 * JVM. Thread-safe and stateless.
 */
public final class DurableReferenceProvider extends ReferenceProvider {

  /** The durable reference engine. */
  public DurableReferenceProvider() {
    super("reference", EnumSet.allOf(Capability.class));
  }
}
