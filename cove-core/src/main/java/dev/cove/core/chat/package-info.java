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
 * the like.
 *
 * <p><b>Special tokens in messages.</b> Tokenize a conversation with
 * {@link dev.cove.core.chat.ChatPrompt#tokenize} ({@code renderPrompt}, not {@code render}): the
 * format's markers become their single control tokens, while special-token text that a message
 * contains stays plain text. Were special tokens parsed in the whole rendered text, anyone who
 * can write a message (a chat user, a client of the server, a document pasted into a prompt)
 * could end their turn with {@code <|im_end|>} and write the system's or the assistant's part.
 */
package dev.cove.core.chat;
