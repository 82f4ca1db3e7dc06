package dev.cairn.cli;

/** Placeholder until this module is written. */
public final class CairnCommand {
  private CairnCommand() {}
}
