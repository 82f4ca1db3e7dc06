/**
 * The model-based harness: seeded operation sequences ({@link
 * dev.cairn.conformance.model.OpGenerator}) checked step by step against a {@code TreeMap} model
 * ({@link dev.cairn.conformance.model.ModelHarness}), failures shrunk by delta debugging, and the
 * same sequences compared across engines ({@link dev.cairn.conformance.model.CrossEngineRunner}).
 */
package dev.cairn.conformance.model;
