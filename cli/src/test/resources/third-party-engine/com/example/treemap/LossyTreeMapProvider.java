package com.example.treemap;

/**
 * {@code treemap-lossy}: the same engine with a bug the suite must catch: deleting the greatest key
 * of the store does nothing.
 */
public final class LossyTreeMapProvider extends TreeMapProvider {

  /** The broken variant. */
  public LossyTreeMapProvider() {
    super("treemap-lossy", true);
  }
}
