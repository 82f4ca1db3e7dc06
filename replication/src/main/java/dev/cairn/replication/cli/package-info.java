/**
 * {@code cairn cluster}: the command line of replication, run by the {@code cairn} command in a
 * class-path JVM of its own (docs/decisions/0025-replication-on-ratis.md, its addendum).
 *
 * <p>Reading order: {@link dev.cairn.replication.cli.ClusterCommand} (the entry point, exit codes,
 * the options shared by the commands that reach a running cluster), then one class per command:
 * {@code StartNodeCommand}, {@code StatusCommand}, {@code MembershipCommands} (add, remove,
 * replace, transfer-leader). The only package of the module that prints and exits.
 */
package dev.cairn.replication.cli;
