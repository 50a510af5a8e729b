// Drives a running Cove server with the official OpenAI Node.js SDK, unchanged, and prints
// what it saw as one JSON line for OpenAiNodeClientTest to check.
import OpenAI from 'openai';

const baseURL = process.env.COVE_URL + '/v1';
const client = new OpenAI({ baseURL, apiKey: process.env.COVE_KEY, maxRetries: 0, timeout: 60000 });
const messages = [{ role: 'user', content: 'Once upon a time' }];
const out = {};

out.models = (await client.models.list()).data.map((m) => m.id);

const chat = await client.chat.completions.create({ model: 'stories', messages, max_tokens: 10, temperature: 0 });
out.chat = { content: chat.choices[0].message.content, finish: chat.choices[0].finish_reason, usage: chat.usage };

const stream = await client.chat.completions.create({
  model: 'stories', messages, max_tokens: 10, temperature: 0, stream: true, stream_options: { include_usage: true },
});
const streamed = { text: '', chunks: 0, usage: null, finish: null };
for await (const chunk of stream) {
  streamed.chunks++;
  if (chunk.choices.length > 0) {
    streamed.text += chunk.choices[0].delta.content ?? '';
    if (chunk.choices[0].finish_reason) streamed.finish = chunk.choices[0].finish_reason;
  }
  if (chunk.usage) streamed.usage = chunk.usage;
}
out.stream = streamed;

const completion = await client.completions.create({ model: 'stories', prompt: 'Once', max_tokens: 5, temperature: 0 });
out.completion = completion.choices[0].text;

// Structured output: response_format json_schema (strict), as the SDK sends it.
const person = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 8 }, age: { type: 'integer', minimum: 0, maximum: 120 } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const structured = await client.chat.completions.create({
  model: 'stories', messages, temperature: 1, seed: 3, max_tokens: 200,
  response_format: { type: 'json_schema', json_schema: { name: 'person', schema: person, strict: true } },
});
out.structured = { content: structured.choices[0].message.content, finish: structured.choices[0].finish_reason };

// The SDK asks for base64 by default and decodes it; the float form must agree.
const embeddings = await client.embeddings.create({ model: 'stories', input: ['a cat', 'a dog'] });
out.embeddingLengths = embeddings.data.map((d) => d.embedding.length);
out.embeddingHead = embeddings.data[0].embedding.slice(0, 4);
const floats = await client.embeddings.create({ model: 'stories', input: 'a cat', encoding_format: 'float' });
out.floatHead = floats.data[0].embedding.slice(0, 4);

// Tool calling round trip: tool_choice 'required' makes stories260K call (by constrained
// decoding), the SDK's own types carry the call, and the tool's result goes back.
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather', description: 'The weather in a city',
    parameters: {
      type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Bern'] } },
      required: ['city'], additionalProperties: false,
    },
  },
}];
const ask = [{ role: 'user', content: 'Weather in Paris?' }];
const called = await client.chat.completions.create({
  model: 'stories', messages: ask, tools, tool_choice: 'required', temperature: 0, max_tokens: 200,
});
const call = called.choices[0].message.tool_calls[0];
const answered = await client.chat.completions.create({
  model: 'stories', tools, temperature: 0, max_tokens: 5,
  messages: [...ask, called.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }],
});
out.tools = {
  finish: called.choices[0].finish_reason, id: call.id, name: call.function.name,
  arguments: JSON.parse(call.function.arguments), answer: answered.choices[0].message.content,
  answerFinish: answered.choices[0].finish_reason,
};
const toolStream = await client.chat.completions.create({
  model: 'stories', messages: ask, tools, temperature: 0, max_tokens: 200, stream: true,
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
});
const streamedCall = { id: null, name: '', arguments: '', finish: null };
for await (const chunk of toolStream) {
  for (const d of chunk.choices[0]?.delta?.tool_calls ?? []) {
    if (d.id) streamedCall.id = d.id;
    if (d.function?.name) streamedCall.name += d.function.name;
    if (d.function?.arguments) streamedCall.arguments += d.function.arguments;
  }
  if (chunk.choices[0]?.finish_reason) streamedCall.finish = chunk.choices[0].finish_reason;
}
streamedCall.arguments = JSON.parse(streamedCall.arguments);
out.toolStream = streamedCall;

try {
  await client.chat.completions.create({ model: 'no-such-model', messages });
  out.unknownModel = null;
} catch (e) {
  out.unknownModel = { status: e.status, code: e.code, param: e.param, type: e.type, name: e.constructor.name };
}
try {
  const wrong = new OpenAI({ baseURL, apiKey: 'wrong-key-12345678', maxRetries: 0 });
  await wrong.models.list();
  out.wrongKey = null;
} catch (e) {
  out.wrongKey = { status: e.status, code: e.code, name: e.constructor.name };
}
console.log(JSON.stringify(out));
