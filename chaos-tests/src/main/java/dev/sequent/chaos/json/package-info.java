/**
 * A small JSON writer and strict parser for the chaos run's files (the history's JSON lines, the
 * final state, the summary), so the module needs no JSON library.
 *
 * <p>Only what those files use: objects, arrays, strings, 64-bit integers, booleans and null.
 * The parser refuses anything else (fractions, exponents, duplicate keys, raw control characters,
 * trailing text) with the position it stopped at. Imports nothing of the rest of the module.
 */
package dev.sequent.chaos.json;
