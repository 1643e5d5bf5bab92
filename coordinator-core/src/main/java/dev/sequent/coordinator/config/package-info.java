/**
 * A node's configuration: every key with its default and meaning ({@link
 * dev.sequent.coordinator.config.ConfigKey}), parsed and validated once at start-up. Imports
 * nothing of the rest of the coordinator.
 */
package dev.sequent.coordinator.config;
