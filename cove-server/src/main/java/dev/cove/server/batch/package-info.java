/**
 * Continuous batching. One {@link dev.cove.server.batch.Scheduler} per model owns a bounded
 * queue of {@link dev.cove.server.batch.Job}s and up to {@code parallel}
 * {@link dev.cove.server.batch.ActiveSequence}s, each in a {@link dev.cove.server.batch.KvSlot}
 * (a KV cache kept after its request ends, so a later prompt with the same beginning reuses it).
 * Each step, every generating sequence feeds its last token and prompt evaluation advances by a
 * bounded chunk; a {@link dev.cove.server.batch.DecodeEngine} runs the step. Requests are
 * admitted between steps, cancelled or timed-out ones are dropped there, and each request's
 * events ({@link dev.cove.server.batch.GenerationEvent}) go to its HTTP thread through a queue
 * the scheduler never blocks on.
 *
 * <p>{@link dev.cove.server.batch.BatchedDecodeEngine}, the default, feeds the tokens of all
 * decoding sequences through one multi-sequence forward step that reads each weight once for all
 * of them; {@link dev.cove.server.batch.SequentialDecodeEngine} is the reference engine (sequences
 * one after another), kept for tests and comparison.
 */
package dev.cove.server.batch;
