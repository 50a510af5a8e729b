/**
 * Chat prompts: turning a conversation ({@link dev.cove.core.chat.ChatMessage}s) into the prompt
 * text a chat model was trained on.
 *
 * <p>{@link dev.cove.core.chat.ChatFormat} holds built-in renderers for the common formats and
 * recognizes them in a model's {@code tokenizer.chat_template} by its markers, the way
 * llama.cpp's {@code llm_chat_detect_template} does. Full Jinja rendering of arbitrary templates
 * comes later; these formats stay as the fallback.
 *
 * <p><b>BOS.</b> The rendered text never starts with the beginning-of-sequence token: the
 * tokenizer adds the one leading BOS (as it does for any prompt, when the model's
 * {@code tokenizer.ggml.add_bos_token} says so). Special-token text that belongs <em>inside</em>
 * the conversation is part of the text: {@code </s>} after each Llama 2, Mistral or Zephyr
 * answer, {@code <s>} before each later Llama 2 turn, {@code <|im_start|>}, {@code [INST]} and
 * the like. Tokenize the result with special-token parsing on, so that these become their
 * single control tokens.
 */
package dev.cove.core.chat;
