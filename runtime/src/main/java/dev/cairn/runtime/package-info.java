/** The user API. */
package dev.cairn.runtime;
