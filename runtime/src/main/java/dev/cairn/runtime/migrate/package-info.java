/**
 * Migration from one engine to another: offline (a store nobody writes, copied resumably and
 * verified range by range) and online (the application writes through a wrapper while the copy
 * runs; its writes are captured and replayed; a short cut-over switches it to the new engine), of a
 * store or of a database keyspace. The guide is {@code docs/migration.md}; the progress file's
 * bytes, {@code docs/formats/migration-progress.md}.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.runtime.migrate.OfflineMigration} and {@link
 *       dev.cairn.runtime.migrate.OnlineMigration}: the entry points; {@link
 *       dev.cairn.runtime.migrate.MigrationSummary} and {@link
 *       dev.cairn.runtime.migrate.MigrationProgress}: what they report; {@link
 *       dev.cairn.runtime.migrate.CutOver}: where an application records the switch; {@link
 *       dev.cairn.runtime.migrate.WriteHold}: a cut-over held by the application's own lock.
 *   <li>{@link dev.cairn.runtime.migrate.KeyspaceMigration}: an online migration of a database
 *       keyspace, through the database's {@code KeyspaceMove}.
 *   <li>{@code Copier}: the batched, checkpointed copy and where it resumes; {@code ProgressFile}:
 *       the resume point on disk.
 *   <li>{@code RangeChecksums}: per-range digests of both sides; {@code Repair}: making a range
 *       equal.
 *   <li>{@code MigratingEngine} and {@code ChangeCapture}: the wrapper the application writes
 *       through, and the change log it keeps.
 * </ol>
 */
package dev.cairn.runtime.migrate;
