// Drives a running Cove server with the official ollama npm package, unchanged, and prints what
// it saw as one JSON line for OllamaNodeClientTest to check.
import { Ollama } from 'ollama';

const ollama = new Ollama({ host: process.env.COVE_URL });
const out = {};
out.models = (await ollama.list()).models.map((m) => m.name);

const messages = [{ role: 'user', content: 'Once upon a time' }];
const chat = await ollama.chat({ model: 'stories', messages, options: { temperature: 0, num_predict: 8 } });
out.chat = { content: chat.message.content, done: chat.done, reason: chat.done_reason, evalCount: chat.eval_count };

let streamed = '';
let parts = 0;
for await (const part of await ollama.chat({ model: 'stories', messages, stream: true,
  options: { temperature: 0, num_predict: 8 } })) {
  streamed += part.message.content;
  parts++;
}
out.stream = { text: streamed, parts };

// Tools: Ollama has no tool_choice; a format (the call's JSON schema) drives stories260K into a
// call, which the server reads out of the answer into message.tool_calls.
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather', description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Bern'] } }, required: ['city'] },
  },
}];
const callSchema = {
  type: 'object',
  properties: { name: { const: 'get_weather' }, arguments: tools[0].function.parameters },
  required: ['name', 'arguments'], additionalProperties: false,
};
const ask = [{ role: 'user', content: 'Weather in Paris?' }];
const called = await ollama.chat({ model: 'stories', messages: ask, tools, format: callSchema,
  options: { temperature: 0, num_predict: 100 } });
const call = called.message.tool_calls?.[0];
const answered = await ollama.chat({
  model: 'stories', tools, options: { temperature: 0, num_predict: 5 },
  messages: [...ask, called.message, { role: 'tool', content: 'sunny', tool_name: 'get_weather' }],
});
out.tools = { name: call?.function?.name, arguments: call?.function?.arguments, content: called.message.content,
  answer: answered.message.content };

try {
  await ollama.chat({ model: 'no-such-model', messages });
  out.unknownModel = null;
} catch (e) {
  out.unknownModel = { status: e.status_code, name: e.name, message: e.error ?? e.message };
}
console.log(JSON.stringify(out));
