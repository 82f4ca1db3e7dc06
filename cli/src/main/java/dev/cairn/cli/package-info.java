/** The cairn command. */
package dev.cairn.cli;
