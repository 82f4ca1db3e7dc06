package dev.cairn.runtime;

/** Placeholder until this module is written. */
public final class Cairn {
  private Cairn() {}
}
