/**
 * The transformer: model families, hyper-parameters, weights, the forward pass and the KV cache.
 *
 * <p><b>Families are data.</b> What tensors a family's blocks have and which variant of each step
 * they take is an {@link dev.cove.core.model.Architecture}: one entry per
 * {@code general.architecture} in its table, written as "llama plus what differs"
 * ({@code LLAMA.named("qwen2").ropeOnHalves().withAttentionBiases()}). The numbers come from the
 * file's metadata once, through {@link dev.cove.core.model.ModelConfig#fromGguf}
 * ({@link dev.cove.core.model.RopeConfig}, the sliding-window layers, soft-caps, the attention
 * scale). {@link dev.cove.core.model.ModelWeights#fromGguf} binds the tensors the family names,
 * checking each shape; fused tensors (Phi-3's {@code attn_qkv}, its gate-and-up {@code ffn_up})
 * become row views, so they cost nothing and the forward pass never sees them. One
 * {@link dev.cove.core.model.Transformer} runs every family: a short method per step of the
 * paper, each optional step guarded by the family's flag; the arithmetic stays in
 * {@code kernel}. This is llama.cpp's split between its {@code llama-arch} tables and its graph
 * builders, with one builder for all the families here.
 *
 * <p><b>Adding a family.</b> If it only recombines existing features, add one line to the table
 * in {@code Architecture} (and a wither if it needs a new flag) and, where its tensor names
 * differ, the binding in {@code ModelWeights.layer}. Only a computation no family had before (a
 * new norm placement, another activation, a new attention mask) adds a step to
 * {@code Transformer} and, if it is arithmetic, a kernel with its scalar reference. Then make a
 * small file of the family with {@code ../shared/tools/make_arch_models.py} (or a converter),
 * dump llama.cpp's logits for it with {@code ../shared/tools/llama.cpp/run dump_logits}, and add
 * it to {@code TransformerReferenceTest}.
 */
package dev.cove.core.model;
