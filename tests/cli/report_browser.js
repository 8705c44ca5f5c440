// SPDX-License-Identifier: MIT
// Opens an hpfr report in headless Chromium (Debian's chromium package) from disk, driven over
// the DevTools protocol on a pipe (--remote-debugging-pipe: no network port, no npm module),
// and checks what a reader would see: every image decodes and is laid out, the console and the
// browser log stay free of errors and warnings, nothing but the page and data: URIs is
// requested, every link resolves to an existing file, and on a phone-sized screen the page
// does not scroll sideways. Saves a desktop and a phone screenshot.
// Usage: node report_browser.js REPORT.html OUTDIR
// Prints one line per check ("ok NAME: detail" or "FAIL NAME: detail") and the summary rows
// ("row ID\tTEXT"); exits 1 when a check failed. EXPECT_H1 (optional): the heading's exact text.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL, fileURLToPath } = require('url');

const [page, outDir] = process.argv.slice(2);
if (!page || !outDir) {
  console.error('usage: node report_browser.js REPORT.html OUTDIR');
  process.exit(2);
}
const pageUrl = pathToFileURL(path.resolve(page)).href;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hpfr-chromium-'));
const browser = process.env.HPFR_CHROMIUM || 'chromium';
const chrome = spawn(browser, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-first-run',
  '--no-default-browser-check', '--disable-extensions', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--mute-audio', '--hide-scrollbars',
  'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let chromeErr = '';
chrome.stderr.on('data', (d) => { chromeErr += d; });

let failed = 0;
const say = (good, name, detail) => {
  if (!good) failed++;
  console.log(`${good ? 'ok' : 'FAIL'} ${name}: ${detail}`);
};
// Closes the browser (politely, then by force) before removing its profile and exiting.
let finishing = false;
const finish = (code) => {
  if (finishing) return;
  finishing = true;
  clearTimeout(timer);
  chrome.removeAllListeners('exit');
  const done = () => {
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    process.exit(code);
  };
  if (chrome.exitCode !== null || chrome.signalCode !== null) return done();
  chrome.once('exit', done);
  const force = setTimeout(() => chrome.kill('SIGKILL'), 5000);
  force.unref();
  try {
    toChrome.write(JSON.stringify({ id: 999999, method: 'Browser.close', params: {} }) + '\0');
  } catch (e) {
    chrome.kill('SIGKILL');
  }
};
const timer = setTimeout(() => {
  say(false, 'browser', `no answer within 60 s; chromium said: ${chromeErr.slice(-500)}`);
  finish(1);
}, 60000);
chrome.on('error', (e) => { say(false, 'browser', `cannot start ${browser}: ${e.message}`); finish(1); });
chrome.on('exit', (code, sig) => {
  say(false, 'browser', `chromium exited (${code ?? sig}): ${chromeErr.slice(-500)}`);
  finish(1);
});

// ---- the protocol: JSON messages separated by NUL bytes ----
const toChrome = chrome.stdio[3], fromChrome = chrome.stdio[4];
let nextId = 1, buffered = '';
const pending = new Map(), listeners = [];
fromChrome.on('data', (chunk) => {
  buffered += chunk.toString('utf8');
  let nul;
  while ((nul = buffered.indexOf('\0')) >= 0) {
    const msg = JSON.parse(buffered.slice(0, nul));
    buffered = buffered.slice(nul + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(`${msg.error.message} (${msg.error.code})`));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  toChrome.write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
function once(method) {
  return new Promise((resolve) => {
    const l = (msg) => {
      if (msg.method === method) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve(msg.params);
      }
    };
    listeners.push(l);
  });
}

// Everything the page reports while loading and being inspected.
const problems = [];
const requests = [];
listeners.push((msg) => {
  const p = msg.params || {};
  if (msg.method === 'Runtime.consoleAPICalled' && ['error', 'warning', 'assert'].includes(p.type))
    problems.push(`console.${p.type}: ${(p.args || []).map((a) => a.value ?? a.description).join(' ')}`);
  else if (msg.method === 'Runtime.exceptionThrown')
    problems.push(`exception: ${p.exceptionDetails && p.exceptionDetails.text}`);
  else if (msg.method === 'Log.entryAdded' && ['error', 'warning'].includes(p.entry.level))
    problems.push(`log ${p.entry.level} (${p.entry.source}): ${p.entry.text} ${p.entry.url || ''}`);
  else if (msg.method === 'Network.requestWillBeSent')
    requests.push(p.request.url);
  else if (msg.method === 'Network.loadingFailed')
    problems.push(`load failed: ${p.errorText}`);
});

const inspect = `(async () => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const images = [];
  for (const img of document.images) {
    let decoded = true, why = '';
    try { await img.decode(); } catch (e) { decoded = false; why = String(e); }
    const box = img.getBoundingClientRect();
    images.push({ fig: (img.closest('figure') || {}).id || '?', decoded, why,
                  w: img.naturalWidth, h: img.naturalHeight, bw: box.width, bh: box.height,
                  svg: img.src.startsWith('data:image/svg+xml;base64,') });
  }
  const rows = [...document.querySelectorAll('tr[id]')].map((tr) =>
    [tr.id, tr.cells[tr.cells.length - 1].textContent]);
  const cells = [...document.querySelectorAll('table.placements tbody tr')].map((tr) =>
    [tr.id, [...tr.cells].map((c) => c.textContent)]);
  const links = [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'));
  return { images, rows, cells, links, h1: document.querySelector('h1').textContent,
           missing: [...document.querySelectorAll('.missing')].map((m) => m.textContent) };
})()`;
const width = `({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })`;

async function evaluate(expr, sessionId) {
  const r = await send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true },
                       sessionId);
  if (r.exceptionDetails) throw new Error(`evaluation failed: ${r.exceptionDetails.text}`);
  return r.result.value;
}

async function screenshot(sessionId, file) {
  const shot = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
  fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
  return fs.statSync(file).size;
}

(async () => {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  for (const d of ['Page', 'Runtime', 'Log', 'Network']) await send(`${d}.enable`, {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride',
             { width: 1280, height: 1000, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = once('Page.loadEventFired');
  const nav = await send('Page.navigate', { url: pageUrl }, sessionId);
  if (nav.errorText) throw new Error(`navigation failed: ${nav.errorText}`);
  await loaded;
  const info = await evaluate(inspect, sessionId);

  const bad = info.images.filter((i) => !i.decoded || !i.svg || !(i.w > 0 && i.h > 0) || !(i.bw > 0 && i.bh > 0));
  say(info.images.length > 0 && bad.length === 0, 'images',
      bad.length ? bad.map((i) => `${i.fig}: ${JSON.stringify(i)}`).join('; ')
                 : `${info.images.length} inline SVG images decoded and laid out (${info.images.map((i) => i.fig).join(' ')})`);
  for (const r of info.rows) console.log(`row ${r[0]}\t${r[1]}`);
  for (const c of info.cells) console.log(`cells ${c[0]}\t${c[1].join('\t')}`);
  for (const m of info.missing) console.log(`missing\t${m}`);
  const dead = info.links.filter((h) => !h.startsWith('#') &&
                                        !fs.existsSync(fileURLToPath(new URL(h, pageUrl))));
  const anchors = info.links.filter((h) => h.startsWith('#'));
  say(dead.length === 0, 'links', dead.length ? `not found: ${dead.join(' ')}`
                                             : `${info.links.length - anchors.length} file links resolve`);
  for (const h of info.links) if (!h.startsWith('#')) console.log(`link\t${h}`);
  if (process.env.EXPECT_H1 !== undefined)
    say(info.h1 === process.env.EXPECT_H1, 'heading', JSON.stringify(info.h1));

  const desktop = await screenshot(sessionId, path.join(outDir, 'report-desktop.png'));
  const wide = await evaluate(width, sessionId);
  say(wide.scroll <= wide.inner, 'desktop width', `${wide.scroll} px of content in ${wide.inner} px`);

  // A phone: 390 CSS px wide (iPhone 12-15), touch, 3x pixels.
  await send('Emulation.setDeviceMetricsOverride',
             { width: 390, height: 844, deviceScaleFactor: 3, mobile: true }, sessionId);
  await send('Emulation.setTouchEmulationEnabled', { enabled: true }, sessionId);
  const phoneLoaded = once('Page.loadEventFired');
  await send('Page.reload', { ignoreCache: true }, sessionId);
  await phoneLoaded;
  const narrow = await evaluate(width, sessionId);
  say(narrow.inner === 390 && narrow.scroll <= narrow.inner, 'phone width',
      `${narrow.scroll} px of content in ${narrow.inner} px`);
  const phone = await screenshot(sessionId, path.join(outDir, 'report-phone.png'));
  // Tapping a plot shows it at its own size, scrolling inside its box, not the page.
  const zoom = await evaluate(`(() => {
    const f = document.querySelector('figure'), img = f.querySelector('img');
    const before = img.clientWidth;
    f.querySelector('label').click();
    f.scrollIntoView();
    return { id: f.id, before, after: img.clientWidth, natural: img.naturalWidth,
             scroll: document.documentElement.scrollWidth, inner: window.innerWidth };
  })()`, sessionId);
  say(zoom.before <= 390 && zoom.after === zoom.natural && zoom.scroll <= zoom.inner, 'phone zoom',
      `${zoom.id}: ${zoom.before} px wide, tapped ${zoom.after} px (its own ${zoom.natural}), page ${zoom.scroll} px`);
  const zoomed = await screenshot(sessionId, path.join(outDir, 'report-phone-zoom.png'));
  say(desktop > 10000 && phone > 10000 && zoomed > 10000, 'screenshots',
      `report-desktop.png ${desktop} bytes, report-phone.png ${phone} bytes, report-phone-zoom.png ${zoomed} bytes`);

  const foreign = requests.filter((u) => u !== pageUrl && !u.startsWith('data:'));
  say(foreign.length === 0, 'requests', foreign.length ? foreign.join(' ')
                                                       : `only the page and data: URIs (${requests.length})`);
  say(problems.length === 0, 'console', problems.length ? problems.join(' | ') : 'no errors or warnings');
  finish(failed ? 1 : 0);
})().catch((e) => {
  say(false, 'browser', e.message);
  finish(1);
});
