// SPDX-License-Identifier: MIT
// Runs a self-contained gnuplot canvas page (hpfr plot ... -o FILE.html) in node against a
// recording fake canvas: the page must load no external script, every inline script must
// evaluate, gnuplot_canvas() must draw, and toggling the first curve must redraw with less.
// Prints "strokes N M" and one "text: STRING" line per string the page draws.
// Usage: node canvas_check.js FILE.html
'use strict';
const fs = require('fs');
const vm = require('vm');
const html = fs.readFileSync(process.argv[2], 'utf8');
if (/<script[^>]*\ssrc=/i.test(html)) throw new Error('the page loads an external script');
if (/\s(src|href)="(\/|https?:)/i.test(html)) throw new Error('the page refers to a file');
const scripts = [];
const re = /<script>([\s\S]*?)<\/script>/g;
for (let m; (m = re.exec(html));) scripts.push(m[1]);
if (scripts.length < 4) throw new Error('expected the canvas scripts inline');

let strokes = 0;
const texts = [];
const ctx = new Proxy({}, {
  get(t, k) {
    if (k in t) return t[k];
    if (k === 'stroke') return () => { strokes++; };
    if (k === 'measureText') return () => ({ width: 10 });
    return () => undefined;
  },
  set(t, k, v) { t[k] = v; return true; },
});
const canvas = { width: 1600, height: 900, style: {}, getContext: () => ctx,
                 addEventListener() {}, getBoundingClientRect: () => ({ left: 0, top: 0 }) };
const others = {};
const sandbox = {
  document: {
    getElementById: (id) => (id === 'gnuplot_canvas' ? canvas
                             : others[id] || (others[id] = { style: {}, innerHTML: '', getContext: () => ctx })),
    createElement: () => ({ style: {}, getContext: () => ctx }),
  },
  navigator: { userAgent: 'node' }, console, setTimeout: () => 0, clearTimeout() {}, alert() {},
};
sandbox.window = sandbox;
vm.createContext(sandbox);
for (const s of scripts) vm.runInContext(s, sandbox);
sandbox.__record = (s) => texts.push(s);
vm.runInContext(`(function () {
  const draw = CanvasTextFunctions.draw;
  CanvasTextFunctions.draw = function (c, font, size, x, y, str) { __record(str); return draw.apply(this, arguments); };
})();`, sandbox);
vm.runInContext('gnuplot_canvas(); if (gnuplot.init) gnuplot.init();', sandbox);
const first = strokes;
const ntext = texts.length;
vm.runInContext('gnuplot.toggle_plot("gp_plot_1");', sandbox);
const second = strokes - first;
if (!(first > 0 && second > 0 && second < first)) throw new Error(`toggle did not redraw less (${first}, ${second})`);
console.log(`strokes ${first} ${second}`);
for (const t of texts.slice(0, ntext)) console.log('text: ' + t);
