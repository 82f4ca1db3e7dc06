/**
 * A binding for the YCSB client: {@link dev.cairn.bench.ycsb.CairnDb} lets the standard YCSB tool
 * drive any Cairn engine with its own workload files.
 */
package dev.cairn.bench.ycsb;
