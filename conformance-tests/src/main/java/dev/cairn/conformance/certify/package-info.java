/**
 * Certification: {@link dev.cairn.conformance.certify.Certification} runs the conformance suite on
 * any installed engine through the JUnit Platform launcher and returns a {@link
 * dev.cairn.conformance.certify.CertificationReport}, written as JSON by {@code cairn certify}.
 */
package dev.cairn.conformance.certify;
