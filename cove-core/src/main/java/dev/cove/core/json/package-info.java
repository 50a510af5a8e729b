/**
 * A strict JSON reader for the engine's own needs (model files, JSON schemas), since cove-core
 * has no dependencies.
 */
package dev.cove.core.json;
