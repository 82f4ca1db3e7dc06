/** Parts engine authors may reuse. */
package dev.cairn.engine.toolkit;
