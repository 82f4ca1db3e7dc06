package dev.cairn.spi;

import java.util.List;

/**
 * The result of an engine's consistency check ({@link StorageEngine#checkConsistency()}).
 *
 * @param itemsChecked how many records, pages or entries the check examined
 * @param problems one line per problem found, each naming where (file, offset, page, key); empty
 *     when the store is consistent
 */
public record ConsistencyReport(long itemsChecked, List<String> problems) {

  /** Copies the problem list. */
  public ConsistencyReport {
    problems = List.copyOf(problems);
  }

  /** A report of a consistent store. */
  public static ConsistencyReport ok(long itemsChecked) {
    return new ConsistencyReport(itemsChecked, List.of());
  }

  /** True when no problem was found. */
  public boolean isConsistent() {
    return problems.isEmpty();
  }
}
