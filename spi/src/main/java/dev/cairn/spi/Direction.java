package dev.cairn.spi;

/** The order in which a cursor visits keys. */
public enum Direction {
  /** Ascending unsigned lexicographic order. */
  FORWARD,
  /** Descending unsigned lexicographic order. */
  REVERSE
}
