/** Architecture rules. */
package dev.cairn.archrules;
