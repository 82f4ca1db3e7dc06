/**
 * Cairn's architecture as ArchUnit rules, for this repository and for third-party engines.
 *
 * <p>Reading order:
 *
 * <ol>
 *   <li>{@link dev.cairn.archrules.CairnRules}: the entry point. {@code forEngine} is the rule set
 *       for an engine author, {@code repositoryRules} the one this repository checks; every rule
 *       also has its own factory, with its reason.
 *   <li>{@link dev.cairn.archrules.Layout}: where Cairn's parts live, so that a rule can be aimed
 *       at any code base laid out the same way (this module's tests aim them at fixtures).
 *   <li>The package-private conditions, one concept each: {@code NotDependOnAnotherEngine}, {@code
 *       ExposeOnlyJdkAndOwnTypes} (SPI signatures), {@code PublicClassesAreProviders}, {@code
 *       FileSystemEscapes} (the I/O rule's list), {@code PackageSlices} (cycles) and {@code
 *       ImportedClassCount} (the guard against passing on nothing).
 * </ol>
 *
 * <p>The user guide is {@code docs/archrules.md}.
 */
package dev.cairn.archrules;
