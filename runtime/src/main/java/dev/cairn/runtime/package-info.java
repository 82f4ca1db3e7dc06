/**
 * How users open a store: finding engines, negotiating the SPI version, and the boundary the
 * runtime puts around every engine.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.runtime.Cairn}: the entry point.
 *   <li>{@link dev.cairn.runtime.EngineRegistry}, with {@code ProviderCheck} and {@code Refusal}:
 *       discovery through {@link java.util.ServiceLoader}, and which providers are refused and why.
 *       {@link dev.cairn.runtime.EngineInfo}: what an engine says about itself.
 *   <li>{@link dev.cairn.runtime.StoreBuilder}, with {@code StoreMarker}: opening a store, and the
 *       file that says which engine a directory belongs to.
 *   <li>The boundary, package-private: {@code BoundaryEngine}, {@code BoundaryReadView}, {@code
 *       BoundarySnapshot}, {@code BoundaryKeyspace}, {@code BoundarySnapshotKeyspace} and {@code
 *       BoundaryCursor} wrap what an engine hands out; {@code Boundary} is what they share; {@code
 *       ErrorConversion} turns non-SPI exceptions into contract violations; {@code Meters} and
 *       {@code Op} are the Micrometer meters.
 *   <li>Leaks: {@code TrackedHandle} (the cleaning action), {@code OpenHandles} (closing what an
 *       owner lent when it closes), {@code Leaks}, and the public {@link
 *       dev.cairn.runtime.LeakListener} and {@link dev.cairn.runtime.LeakReport}.
 *   <li>Observing a store from outside: {@code StoreStatisticsBinder} (the engine's statistics as
 *       gauges, from a cached snapshot), {@code StoreTag} (the {@code store} tag), {@code
 *       StatisticsFile} (the file {@code cairn stats} reads), {@code EngineEvents} and {@code
 *       EngineWorkEvent} (the engine's slow work as meters and Flight Recorder events).
 * </ol>
 *
 * <h2>The boundary's rules</h2>
 *
 * <p>The engine behind a store is never exposed. Every call is checked before the engine sees it
 * (nulls, {@link dev.cairn.spi.Limits}, declared capabilities, closed handles, writes to a
 * read-only store); every exception that reaches a caller is an SPI {@link
 * dev.cairn.spi.StorageException}, anything else an engine throws arriving as a {@link
 * dev.cairn.spi.ContractViolationException} whose cause is the original. Close methods follow the
 * same rule: they never throw for a correct engine, but a broken engine's failure to close is
 * reported as a contract violation rather than hidden. Guarding against {@link
 * java.nio.channels.ClosedByInterruptException} is the engines' job, not the runtime's.
 *
 * <p>Every SPI method is wrapped, those with defaults in the SPI included: the boundary calls the
 * engine's own implementation, never the interface's default on itself, so what an engine does
 * better than the default (a {@code multiGet} from one state, an {@code approximateSize} from
 * metadata) reaches callers. The exceptions are the conditional and range-delete conveniences,
 * which are batches by definition and go through the boundary's {@code write}. A batch that needs a
 * capability the engine does not declare is refused before the engine sees it.
 */
package dev.cairn.runtime;
