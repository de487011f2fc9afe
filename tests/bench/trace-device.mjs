// Where the `device` part's milliseconds go: the same phone (200 drafts, 200 sent complaints, a status file
// of 50 entries) and the same loads at CPU ×4, each under a Chrome trace over CDP (the main thread's tasks,
// and the V8 sampling profiler's stacks, Wasm included). For each row it prints the window the part
// measures, what the main thread did in it (busy by kind, idle), its longest tasks and the functions that
// took the most self time. Not a benchmark and not a test: a tool for finding causes.
//   node tests/bench/trace-device.mjs [drafts|sent|timeline|alone …]     (DIST=… for another build)
// Function names need a module that keeps them: `wasm-opt -Oz -g` over target/wasm-bindgen/release/*.wasm,
// put in place of the build's (see PROFILE_WASM below).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { launchBrowser, PHONE } from '../e2e/support/browser.mjs';
import { fillDevice } from '../e2e/support/device.mjs';
import { statusPath } from '../e2e/support/status.mjs';
import { longHistory, TRACKED } from './parts/device.mjs';
import { committedAt } from './parts/saving.mjs';
import { onDescription, CPU_SLOWDOWN } from './parts/typing.mjs';
import { startBenchSite } from './site.mjs';

const COUNT = 200;
const ENTRIES = 50;
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8.execute',
  'v8',
  'disabled-by-default-v8.cpu_profiler',
  'blink.user_timing',
  'loading',
  'toplevel',
].join(',');

/** Runs `load` under a trace; returns the trace's events. */
async function traced(cdp, load) {
  const events = [];
  const onData = ({ value }) => events.push(...value);
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await load();
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', onData);
  return events;
}

/** Navigates to `url` at CPU ×4 and waits for `ready` (run each frame in the page, with marks set by it). */
async function load(page, cdp, url, ready, arg) {
  await page.goto('about:blank');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(ready, arg, { polling: 'raf', timeout: 60_000 });
}

/** In the page: marks `bench:start` when the app replaced the shell and `bench:end` when the list shows. */
function listShown({ selector, count, first }) {
  const w = window;
  if (w.__appAt === undefined && !document.querySelector('[data-complaint-desk-shell]') && document.getElementById('app')) {
    w.__appAt = performance.now();
    performance.mark('bench:start');
    performance.mark('bench:app');
  }
  const rows = document.querySelectorAll(selector);
  const shown = rows.length >= count || (rows.length >= first && rows[0].closest('section').querySelector('.show-all button'));
  if (w.__appAt === undefined || !shown) return false;
  performance.mark('bench:end');
  return true;
}

/** In the page: marks `bench:start` at the status file's last byte (or the app on screen, if later) and
 *  `bench:end` when its steps show (or `first` of them and the "Show …" button of their section). */
function timelineShown({ selector, count, first }) {
  if (!performance.getEntriesByName('bench:app').length && !document.querySelector('[data-complaint-desk-shell]') && document.getElementById('app')) performance.mark('bench:app');
  const rows = document.querySelectorAll(selector);
  if (rows.length < count && !(rows.length >= first && rows[0].closest('section').querySelector('.show-all button'))) return false;
  const status = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/v1/status/'));
  const app = performance.getEntriesByName('bench:app')[0];
  if (!status || !app) return false;
  performance.mark('bench:start', { startTime: Math.max(status.responseEnd, app.startTime) });
  performance.mark('bench:end');
  return true;
}

const RENDERING = new Set(['UpdateLayoutTree', 'Layout', 'RecalculateStyles', 'PrePaint', 'Paint', 'Layerize', 'UpdateLayerTree', 'Commit', 'HitTest', 'IntersectionObserverController::computeIntersections', 'ScheduleStyleRecalculation', 'PaintImage', 'CompositeLayers']);
const GC = /GC|Scavenge|MarkCompact|Sweep/;

/** The main thread of the page's renderer: the CrRendererMain with the most events in the window. */
function mainThread(events, start, end) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain') names.set(`${e.pid}:${e.tid}`, true);
  const counts = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (names.has(key) && e.ts >= start && e.ts <= end) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Self time by function in [start, end], from the sampling profiler's chunks of thread `key`. */
function profileSelf(events, key, start, end) {
  const nodes = new Map();
  const self = new Map();
  const total = new Map();
  // The sampled thread's profile (its chunks come from the sampler's own thread, under the profile's id).
  const profile = events.find((e) => e.name === 'Profile' && `${e.pid}:${e.tid}` === key);
  if (!profile) return [];
  let ts = profile.args.data.startTime;
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.id !== profile.id || e.pid !== profile.pid) continue;
    const data = e.args.data.cpuProfile ?? {};
    for (const n of data.nodes ?? []) nodes.set(n.id, n);
    const deltas = e.args.data.timeDeltas ?? [];
    (data.samples ?? []).forEach((id, i) => {
      ts += deltas[i] ?? 0;
      const next = deltas[i + 1] ?? 0;
      if (ts < start || ts > end) return;
      const frame = nodes.get(id)?.callFrame ?? {};
      self.set(frameName(frame), (self.get(frameName(frame)) ?? 0) + next);
      // Inclusive: each function once per sample, however deep it recurs.
      const seen = new Set();
      for (let node = nodes.get(id); node; node = nodes.get(node.parent)) seen.add(frameName(node.callFrame));
      for (const name of seen) total.set(name, (total.get(name) ?? 0) + next);
    });
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { self: sorted(self), total: sorted(total) };
}

function frameName(frame = {}) {
  const file = frame.url ? ` ${frame.url.split('/').pop().replace(/-[0-9a-f]{16}/, '')}` : '';
  const at = frame.codeType === 'JS' && frame.url ? `:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${file}${at}`;
}

/** What a top-level task is: its longest direct children, named. */
function describe(task, children) {
  const inner = children.filter((c) => c.ts >= task.ts && c.ts + (c.dur ?? 0) <= task.ts + task.dur && c !== task);
  const named = new Map();
  for (const c of inner) {
    let name = c.name;
    if (c.name === 'FunctionCall') name = `FunctionCall ${c.args?.data?.functionName || ''}`.trim();
    if (c.name === 'EventDispatch') name = `EventDispatch ${c.args?.data?.type ?? ''}`;
    if (c.name === 'TimerFire' || c.name === 'FireAnimationFrame' || c.name === 'RunMicrotasks' || RENDERING.has(c.name) || GC.test(c.name) || /^(FunctionCall|EvaluateScript|v8\.compile|v8\.callFunction|ParseHTML|EventDispatch|XHRReadyStateChange|ResourceReceivedData|ResourceFinish|v8\.wasm)/.test(c.name)) {
      named.set(name, (named.get(name) ?? 0) + (c.dur ?? 0));
    }
  }
  return [...named].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`).join(', ');
}

function analyse(label, events) {
  const mark = (name) => events.filter((e) => e.name === name && e.cat?.includes('user_timing')).map((e) => e.ts).sort((a, b) => a - b)[0];
  const [start, end] = [mark('bench:start'), mark('bench:end')];
  if (start === undefined || end === undefined) return console.log(`${label}: marks missing`);
  const nav = events.find((e) => e.name === 'navigationStart' && e.ts <= start)?.ts;
  const key = mainThread(events, start, end);
  const thread = events.filter((e) => `${e.pid}:${e.tid}` === key && e.ph === 'X');
  const all = thread.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.ts + e.dur > start && e.ts < end);
  // The outermost of nested tasks only.
  const tasks = all.filter((t) => !all.some((o) => o !== t && o.ts <= t.ts && o.ts + o.dur >= t.ts + t.dur && (o.ts < t.ts || o.dur > t.dur || all.indexOf(o) < all.indexOf(t))));
  const ms = (us) => (us / 1000).toFixed(1);
  const clip = (e) => Math.min(e.ts + (e.dur ?? 0), end) - Math.max(e.ts, start);
  const busy = tasks.reduce((s, t) => s + clip(t), 0);
  const kinds = { scripting: 0, rendering: 0, gc: 0 };
  for (const e of thread) {
    if (e.ts + (e.dur ?? 0) <= start || e.ts >= end) continue;
    if (RENDERING.has(e.name)) kinds.rendering += clip(e);
    else if (GC.test(e.name) && e.name !== 'V8.GCCompactor') kinds.gc += clip(e);
    else if (['FunctionCall', 'EvaluateScript', 'v8.compile', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'EventDispatch'].includes(e.name)) {
      // Only the outermost scripting event counts (they nest).
      const outer = thread.some((o) => o !== e && ['FunctionCall', 'EvaluateScript', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'EventDispatch'].includes(o.name) && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && (o.ts < e.ts || o.dur > e.dur));
      if (!outer) kinds.scripting += clip(e);
    }
  }
  console.log(`\n== ${label}: ${ms(end - start)} ms measured (from ${nav ? ms(start - nav) : '?'} ms after navigation)`);
  console.log(`   main thread busy ${ms(busy)} ms (scripting ${ms(kinds.scripting)} incl. GC ${ms(kinds.gc)}, style/layout/paint ${ms(kinds.rendering)}), idle ${ms(end - start - busy)} ms`);
  console.log('   tasks ≥ 1 ms in the window (start after bench:start, duration; what they hold, ms):');
  for (const t of tasks.filter((t) => t.dur >= 1000)) {
    console.log(`     +${ms(t.ts - start).padStart(6)}  ${ms(t.dur).padStart(6)}  ${describe(t, thread)}`);
  }
  console.log('   requests (relative to bench:start, ms):');
  const sent = new Map();
  for (const e of events) {
    if (e.name === 'ResourceSendRequest' && /status|config|\.wasm/.test(e.args.data.url)) sent.set(e.args.data.requestId, e.args.data.url.split('/').pop().slice(0, 40));
    if (e.name === 'ResourceFinish' && sent.has(e.args.data.requestId)) console.log(`     ${sent.get(e.args.data.requestId)} finished at ${ms(e.ts - start)}`);
  }
  for (const e of events.filter((e) => e.cat?.includes('user_timing') && e.name.startsWith('bench:'))) console.log(`     mark ${e.name} at ${ms(e.ts - start)}`);
  const { self, total } = profileSelf(events, key, start, end);
  console.log('   self time by function (sampled, ms):');
  for (const [name, us] of self.slice(0, Number(process.env.TOP ?? 22))) console.log(`     ${ms(us).padStart(6)}  ${name.slice(0, 160)}`);
  console.log('   inclusive time by function (sampled, ms):');
  for (const [name, us] of total.slice(0, Number(process.env.TOP ?? 22) * 2)) console.log(`     ${ms(us).padStart(6)}  ${name.slice(0, 160)}`);
}

const wanted = process.argv.slice(2);
const want = (name) => !wanted.length || wanted.includes(name);
if (process.env.ANALYSE) {
  // Traces saved by an earlier run (TRACE_DIR), read again.
  const { readFileSync } = await import('node:fs');
  for (const name of ['drafts', 'sent', 'timeline', 'alone'].filter(want)) {
    analyse(name, JSON.parse(readFileSync(join(process.env.ANALYSE, `${name}.json`), 'utf8')).traceEvents);
  }
  process.exit(0);
}
const site = await startBenchSite({ dist: process.env.DIST });
const browser = await launchBrowser();
const steps = '.timeline__step--done, .timeline__step--current';
const link = `/track#reference=${TRACKED.reference}&verifier=${encodeURIComponent(TRACKED.verifier)}`;
const save = (name, events) => {
  if (!process.env.TRACE_DIR) return;
  mkdirSync(process.env.TRACE_DIR, { recursive: true });
  writeFileSync(join(process.env.TRACE_DIR, `${name}.json`), JSON.stringify({ traceEvents: events }));
};
try {
  const file = join(site.site, statusPath(TRACKED.reference, TRACKED.verifier));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(longHistory(ENTRIES)));
  const { context, page, field } = await onDescription(browser, site.origin);
  await field.fill('The parcel never came, though the tracking says it was delivered.');
  await page.evaluate(committedAt, await field.evaluate((el) => el.value.length));
  await page.evaluate(fillDevice, { count: COUNT, tag: 'BNCH', verifier: 'bench@example.com' });
  const cdp = await context.newCDPSession(page);
  const rounds = Number(process.env.ROUNDS ?? 1);
  for (let round = 0; round < rounds; round += 1) {
    if (want('drafts')) {
      const events = await traced(cdp, () => load(page, cdp, site.origin + '/', listShown, { selector: '.resume__item', count: COUNT, first: 5 }));
      save('drafts', events);
      analyse('200 drafts → "Continue your complaint?"', events);
    }
    if (want('sent')) {
      const events = await traced(cdp, () => load(page, cdp, site.origin + '/track', listShown, { selector: '.my-complaints__item', count: COUNT, first: 5 }));
      save('sent', events);
      analyse('200 sent → the tracker\'s list', events);
    }
    if (want('timeline')) {
      const events = await traced(cdp, () => load(page, cdp, site.origin + link, listShown, { selector: steps, count: ENTRIES, first: 5 }));
      save('timeline', events);
      analyse('a status with 50 entries → timeline (end to end)', events);
    }
  }
  await context.close();
  if (want('alone')) {
    const alone = await browser.newContext({ viewport: PHONE, locale: 'en-GB', hasTouch: true });
    const page = await alone.newPage();
    const cdp = await alone.newCDPSession(page);
    await page.goto(site.origin + link);
    await page.locator(steps).nth(4).waitFor();
    for (let round = 0; round < rounds; round += 1) {
      const events = await traced(cdp, () => load(page, cdp, site.origin + link, timelineShown, { selector: steps, count: ENTRIES, first: 5 }));
      save('alone', events);
      analyse('the same status in hand → 50 entries (no other complaints)', events);
    }
    await alone.close();
  }
} finally {
  await browser.close();
  await site.stop();
}
