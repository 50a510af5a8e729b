/**
 * Batch inference: many independent prompts through one model, several sequences decoding in
 * each forward step so that every weight is read once per step for all of them.
 *
 * <p>{@link dev.cove.core.batch.BatchGenerator} takes {@link dev.cove.core.batch.BatchRow}s from
 * an iterator as sequences free up and hands each {@link dev.cove.core.batch.BatchResult} to a
 * callback as soon as its row ends; a row that cannot run (prompt too long, a chat template that
 * refuses the conversation) gets an error result and the others go on. It needs nothing but the
 * model, so the {@code cove batch} command and the Spark module share it.
 *
 * <p><b>Determinism.</b> A row's text depends only on its prompt, its options and its seed:
 * each row has its own sampler, seeded from the row (or the job's default), and each decode step
 * is laid out so that a row's arithmetic does not depend on which other rows share the step
 * ({@link dev.cove.core.batch.DecodeStep}); and the kernels give the same bits whether the JVM
 * has compiled them yet or not, so a cold run equals a warm one.
 */
package dev.cove.core.batch;
