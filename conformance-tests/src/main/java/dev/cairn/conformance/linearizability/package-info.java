/**
 * A linearizability checker for register-per-key histories (Wing and Gong with Lowe's memoisation,
 * as in Porcupine).
 */
package dev.cairn.conformance.linearizability;
