// Drives Cove's chat page in headless Chromium (the machine's own binary, through puppeteer-core)
// against a running server, and prints what it saw as one JSON line for ChatPageBrowserTest.
import puppeteer from 'puppeteer-core';

const base = process.env.COVE_URL;
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--metrics-recording-only', '--disable-default-apps'],
});
const out = { requests: [], errors: [] };
try {
  const page = await browser.newPage();
  page.on('request', (r) => out.requests.push(r.url()));
  page.on('pageerror', (e) => out.errors.push(String(e)));
  let failuresExpected = false; // the browser logs the failed loads the bad cases make on purpose
  page.on('console', (m) => { if (m.type() === 'error' && !failuresExpected) out.errors.push(m.text()); });
  await page.setViewport({ width: 1100, height: 760 });
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  await page.waitForFunction(() => document.querySelector('#model').options.length > 0);
  out.models = await page.$$eval('#model option', (os) => os.map((o) => o.value));
  out.title = await page.title();

  // A first answer, to its end.
  await page.$eval('#max-tokens', (el) => { el.value = '24'; });
  await page.type('#input', 'Once upon a time');
  await page.keyboard.press('Enter');
  await page.waitForSelector('li.message.assistant[data-state="done"]', { timeout: 30000 });
  out.first = await page.$eval('li.message.assistant .body', (e) => e.textContent);
  out.firstStats = await page.$eval('li.message.assistant .meta', (e) => e.textContent);
  out.userEcho = await page.$eval('li.message.user .body', (e) => e.textContent);

  // A long answer: watch it grow, take the screenshot mid-stream, then stop it.
  await page.$eval('#max-tokens', (el) => { el.value = '3500'; });
  await page.type('#input', 'Tell me a **long** story with `code`');
  await page.keyboard.press('Enter');
  await page.waitForSelector('li.message.assistant[data-state="streaming"]');
  const lengths = [];
  for (let i = 0; i < 200 && new Set(lengths).size < 4; i++) {
    lengths.push(await page.$eval('li.message.assistant:last-child .body', (e) => e.textContent.length));
    await new Promise((r) => setTimeout(r, 20));
  }
  out.growth = [...new Set(lengths)];
  await page.screenshot({ path: process.env.SCREENSHOT });
  await page.click('#stop');
  await page.waitForSelector('li.message.assistant:last-child[data-state="stopped"]', { timeout: 10000 });
  out.stopped = await page.$eval('li.message.assistant:last-child .meta', (e) => e.textContent);
  out.sendVisibleAgain = await page.$eval('#send', (e) => !e.hidden);
  out.messages = await page.$$eval('li.message', (ls) => ls.length);

  // A new conversation with masking on: the model must see a placeholder, the page the original.
  const bodies = [];
  page.on('request', (r) => { if (r.url().endsWith('/v1/chat/completions')) bodies.push(r.postData()); });
  await page.click('#new-chat');
  await page.$eval('#max-tokens', (el) => { el.value = '12'; });
  await page.click('#redact');
  await page.type('#input', 'Write to jane.doe@example.com and jane.doe@example.com again');
  await page.keyboard.press('Enter');
  await page.waitForSelector('li.message.assistant[data-state="done"]', { timeout: 30000 });
  out.maskedMarks = await page.$$eval('li.message.user mark.masked', (ms) => ms.map((m) => m.textContent));
  out.maskedPlaceholders = await page.$$eval('li.message.user .placeholder', (ps) => ps.map((p) => p.textContent));
  out.maskedSent = JSON.parse(bodies[bodies.length - 1]).messages.map((m) => m.content);
  out.maskingShown = await page.$eval('#composer', (c) => c.classList.contains('masking'));

  // Structured output: a JSON answer, shown as a JSON block.
  await page.click('#toggle-settings');
  await page.select('#format', 'json_object');
  await page.$eval('#max-tokens', (el) => { el.value = '60'; });
  await page.type('#input', 'Give me JSON');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const answers = document.querySelectorAll('li.message.assistant');
    return answers.length === 2 && answers[1].dataset.state === 'done';
  }, { timeout: 30000 });
  out.structuredFormat = JSON.parse(bodies[bodies.length - 1]).response_format;
  out.structuredMeta = await page.$eval('li.message.assistant:last-child', (b) => b.textContent);
  out.structuredBlock = await page.$eval('li.message.assistant:last-child .body', (b) => Boolean(b.querySelector('pre.structured code')));
  await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-masked.png') });

  // Bad cases, made at the network by request interception: each must leave a clear message.
  await page.select('#format', 'text');
  failuresExpected = true;
  await page.setRequestInterception(true);
  let fake = null;
  page.on('request', (r) => {
    if (r.isInterceptResolutionHandled()) return;
    if (fake && r.url().endsWith('/v1/chat/completions')) fake(r); else r.continue();
  });
  const error = (status, code, message) => (r) => r.respond({ status, contentType: 'application/json',
    body: JSON.stringify({ error: { message, type: 'invalid_request_error', code } }) });
  const cases = {
    down: (r) => r.abort('connectionrefused'),
    wrongKey: error(401, 'invalid_api_key', 'Incorrect API key provided.'),
    unloaded: error(404, 'model_not_found', "The model 'stories' does not exist"),
    busy: error(429, 'rate_limit_exceeded', 'the queue is full'),
  };
  out.bad = {};
  for (const [name, handler] of Object.entries(cases)) {
    fake = handler;
    const before = await page.$$eval('li.message.assistant', (as) => as.length);
    await page.type('#input', 'hello');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => {
      const answers = document.querySelectorAll('li.message.assistant');
      return answers.length === n + 1 && answers[n].dataset.state === 'error';
    }, { timeout: 10000 }, before);
    out.bad[name] = await page.$eval('li.message.assistant:last-child .meta .error', (e) => e.textContent);
  }
  fake = null;
} catch (e) {
  out.failure = String(e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
