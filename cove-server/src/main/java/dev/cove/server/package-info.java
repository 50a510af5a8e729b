/**
 * {@code cove serve}: an OpenAI- and Ollama-compatible HTTP server on Javalin (Jetty 12).
 *
 * <ul>
 *   <li>{@link dev.cove.server.CoveServer} wires the routes, API keys, the browser-origin check,
 *       error bodies, the access log and the metrics; {@link dev.cove.server.ServerConfig} holds
 *       its settings.</li>
 *   <li>{@code OpenAiRoutes}, {@code OllamaRoutes} and {@code InfillRoute} (llama.cpp's
 *       {@code /infill} for editor plugins) parse and validate requests (through
 *       {@code Fields}, which names the bad field in a 400), build prompt tokens ({@code Prompts}:
 *       chat formats, plain text, token ids, fill-in-the-middle) and hand them to the model's
 *       scheduler through {@code Generation}, which collects or streams the answer (SSE or
 *       NDJSON via {@code EventStream}).</li>
 *   <li>{@link dev.cove.server.ServerMetrics} renders Prometheus text from counts and durations
 *       only; the access log has one JSON line per request without bodies or query strings.</li>
 * </ul>
 *
 * <p>No prompt or output text is ever logged or counted; error messages describe a bad value's
 * type, never the value.
 */
package dev.cove.server;
