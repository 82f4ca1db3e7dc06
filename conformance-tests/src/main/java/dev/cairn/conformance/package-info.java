/**
 * The conformance suite: {@link dev.cairn.conformance.EngineConformanceSuite} is the one class an
 * engine's tests extend.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.conformance.EngineConformanceSuite}: the hook and the groups.
 *   <li>{@code ConformanceGroup} and {@code Stores}: how a test opens stores, and the consistency
 *       check after each test.
 *   <li>The groups, one file each: {@code BasicOperationsTests}, {@code KeyValueEdgeCaseTests},
 *       {@code AtomicBatchTests}, {@code CursorTests}, {@code SnapshotTests}, {@code
 *       LifecycleTests}, {@code CapabilityTests}, {@code ConcurrencyTests}, {@code
 *       OptionsAndErrorTests}, {@code EngineContractTests}, {@code ModelBasedTests}.
 *   <li>{@link dev.cairn.conformance.model}: the model-based harness with shrinking.
 *   <li>{@code dev.cairn.conformance.certify}: running the suite on any installed engine, with a
 *       report.
 * </ol>
 */
package dev.cairn.conformance;
