/** The conformance suite. */
package dev.cairn.conformance;
