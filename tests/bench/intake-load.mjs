// The load of the intake benchmark (parts/intake.mjs, issue #24): many customers at once, each filing one
// complaint with one photo as the app does it (src/services/submit.rs): HEAD the upload, PATCH it from the
// offset the server has, HEAD again, then POST the complaint naming the file by its SHA-256, with the
// draft's Idempotency-Key. A 429, 503, other 5xx, 408, 409 or no answer is a "later", as the app's outbox
// takes it: the whole send again after the server's Retry-After (held between 1 s and 1 h) or the outbox's
// growing pause (5 s, 15 s, 45 s …), with the same key.
//
// Each customer sends from its own loopback address (127.1.x.y), so the service's per-address limits see
// 500 people, not one. With several nodes, requests go round-robin across them (a load balancer without
// stickiness): an upload begun through one node is finished or named through another.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';

/** One HTTP exchange from `localAddress`: `{ status, headers, body }`, or throws on no answer. */
function exchange(url, { method, headers = {}, body, localAddress }) {
  return new Promise((done, fail) => {
    const req = request(url, { method, headers, localAddress, agent: false, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error('30 s without an answer')));
    req.on('error', fail);
    req.end(body);
  });
}

const isLater = (status) => [408, 409, 425, 429].includes(status) || status >= 500;

/** A customer: its address, key, photo (random bytes, as a compressed photo's are) and complaint. */
function customer(index, fileBytes) {
  const n = index + 1;
  const localAddress = `127.${1 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
  const file = randomBytes(Math.max(fileBytes, 4));
  file.set([0xff, 0xd8, 0xff, 0xe0]);
  const hash = createHash('sha256').update(file).digest('hex');
  const key = randomUUID();
  const complaint = JSON.stringify({
    schema_version: 1,
    draft_id: key,
    locale: 'en',
    category: 'delivery',
    description: `My parcel never arrived (customer ${n}).`,
    happened_on: '2026-12-01',
    details: { order_number: `NW-${n}` },
    outcome: 'refund',
    contact: { name: 'Anna Kowalska', email: `customer${n}@example.pl`, preferred: 'email' },
    attachments: [{ id: randomUUID(), name: 'parcel.jpg', kind: 'image/jpeg', bytes: file.length, sha256: hash }],
    spam_signals: { honeypot_filled: false, fill_seconds: 143 },
  });
  const boundary = `----intake-load-${n}`;
  const form = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="complaint"; filename="complaint.json"\r\nContent-Type: application/json\r\n\r\n${complaint}\r\n--${boundary}--\r\n`,
  );
  return { localAddress, file, hash, key, form, boundary };
}

/** Thrown for an answer the app would not retry: that customer stops and the run reports it. */
class Refused extends Error {}

/** One whole send as the app makes it: the reference, or `{ later: status|'network', after }`. */
async function send(c, next, tally) {
  const length = String(c.file.length);
  const upload = () => `${next()}/api/v1/uploads/${c.hash}`;
  const later = (r) => ({ later: r.status, after: Number(r.headers['retry-after']) || null });
  try {
    for (let round = 0; round < 3; round += 1) {
      const head = await exchange(upload(), { method: 'HEAD', headers: { 'Upload-Length': length }, localAddress: c.localAddress });
      if (head.status >= 400) {
        if (isLater(head.status)) return later(head);
        throw new Refused(`HEAD answered ${head.status}`);
      }
      const offset = Number(head.headers['upload-offset'] ?? 0);
      if (offset >= c.file.length) break;
      const patch = await exchange(upload(), {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), 'Upload-Length': length },
        body: c.file.subarray(offset),
        localAddress: c.localAddress,
      });
      // The app asks again at once after 408 and 409 (cut for pace, offset moved on).
      if (patch.status >= 400 && ![408, 409].includes(patch.status)) {
        if (isLater(patch.status)) return later(patch);
        throw new Refused(`PATCH answered ${patch.status}: ${patch.body}`);
      }
    }
    const started = performance.now();
    const post = await exchange(`${next()}/api/v1/complaints`, {
      method: 'POST',
      headers: { 'Idempotency-Key': c.key, Accept: 'application/json', 'Content-Type': `multipart/form-data; boundary=${c.boundary}` },
      body: c.form,
      localAddress: c.localAddress,
    });
    if (post.status >= 400) {
      if (isLater(post.status)) return later(post);
      throw new Refused(`POST answered ${post.status}: ${post.body}`);
    }
    tally.postMs.push(performance.now() - started);
    const reference = JSON.parse(post.body).reference;
    if (!reference) throw new Refused(`a ${post.status} without a reference: ${post.body}`);
    return { reference };
  } catch (error) {
    if (error instanceof Refused || error instanceof SyntaxError) throw error;
    return { later: 'network', after: null };
  }
}

/** Sends until a reference comes back, pausing as the app's outbox does; gives up after an hour. */
async function file(c, next, tally) {
  const started = performance.now();
  for (let pauses = 0; performance.now() - started < 3_600_000; pauses += 1) {
    let result;
    try {
      result = await send(c, next, tally);
    } catch (error) {
      tally.refused.push(error.message);
      return null;
    }
    if (result.reference) {
      tally.filingMs.push(performance.now() - started);
      return result.reference;
    }
    const cause = { 429: '429', 503: '503', network: 'network' }[result.later] ?? 'other';
    tally.later[cause] += 1;
    const growing = 5 * Math.min(3 ** pauses, 180);
    const seconds = Math.min(Math.max(result.after ?? growing, 1), 3600);
    await new Promise((wake) => setTimeout(wake, seconds * 1000));
  }
  tally.refused.push('no reference within an hour');
  return null;
}

export function percentiles(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => s[Math.min(Math.max(Math.ceil(s.length * p), 1), s.length) - 1];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

/** Every customer at once: the seconds from the start to the last reference, and the tally. */
async function pass(customers, next) {
  const tally = { filingMs: [], postMs: [], later: { 429: 0, 503: 0, other: 0, network: 0 }, refused: [], references: new Map() };
  const started = performance.now();
  await Promise.all(
    customers.map(async (c, i) => {
      const reference = await file(c, next, tally);
      if (reference) tally.references.set(i, reference);
    }),
  );
  return { seconds: (performance.now() - started) / 1000, tally };
}

/** The desk in use: a lead polls the queue counts and the newest complaints, in turn, `perSecond` times. */
function pollDesk(next, session, perSecond) {
  const ms = [];
  let failed = 0;
  let turn = 0;
  const timer = setInterval(async () => {
    const path = turn++ % 2 === 0 ? 'queues' : 'complaints?queue=new&limit=50';
    const started = performance.now();
    try {
      const r = await exchange(`${next()}/staff/api/v1/${path}`, { method: 'GET', headers: { Cookie: `desk_session=${session}` } });
      if (r.status === 200) ms.push(performance.now() - started);
      else failed += 1;
    } catch {
      failed += 1;
    }
  }, 1000 / perSecond);
  return () => {
    clearInterval(timer);
    return { polls: ms.length + failed, failed, ms: percentiles(ms) };
  };
}

/**
 * Runs the load against `nodes` (origins): the timed pass, then every key sent again (untimed, as a phone
 * whose answer was lost would), which must give back each first reference.
 */
export async function runLoad({ nodes, customers: count = 500, fileKb = 200, staffSession = null, staffPerSecond = 4 }) {
  const customers = Array.from({ length: count }, (_, i) => customer(i, fileKb * 1024));
  let turn = 0;
  const next = () => nodes[turn++ % nodes.length];
  const cpuBefore = process.cpuUsage();
  const stopDesk = staffSession ? pollDesk(next, staffSession, staffPerSecond) : null;
  const first = await pass(customers, next);
  const desk = stopDesk?.() ?? null;
  const again = await pass(customers, next);
  const cpu = process.cpuUsage(cpuBefore);
  const references = [...first.tally.references.values()];
  const changed = [...first.tally.references].filter(([i, r]) => again.tally.references.get(i) !== r).length;
  return {
    seconds: first.seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    filed: references.length,
    distinctReferences: new Set(references).size,
    references,
    filingMs: percentiles(first.tally.filingMs),
    postMs: percentiles(first.tally.postMs),
    later: first.tally.later,
    refused: first.tally.refused.slice(0, 5),
    refusedCount: first.tally.refused.length,
    desk,
    resent: { seconds: again.seconds, answered: again.tally.references.size, changed, refused: again.tally.refused.slice(0, 5) },
  };
}
