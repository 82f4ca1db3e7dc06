package dev.cairn.archrules;

/** Placeholder until this module is written. */
public final class CairnRules {
  private CairnRules() {}
}
