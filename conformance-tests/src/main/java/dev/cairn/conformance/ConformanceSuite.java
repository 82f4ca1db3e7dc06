package dev.cairn.conformance;

/** Placeholder until this module is written. */
public final class ConformanceSuite {
  private ConformanceSuite() {}
}
