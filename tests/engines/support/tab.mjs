// The one driver interface every cross-engine journey uses, the same in Chromium, Firefox and WebKit: open a
// page, find by role, label or text as a person does, click, type, upload a file, reload, take the network
// away (where the engine's driver can), read text. Elements are found inside the page by Testing Library's
// queries (@testing-library/dom, its accessible-name rules from dom-accessibility-api), injected into each
// page, so a role and a name mean the same thing in every engine; open shadow roots (the widget's) are
// searched too, as Playwright does. Every wait polls a state with a deadline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const QUERIES = readFileSync(require.resolve('@testing-library/dom/dist/@testing-library/dom.umd.min.js'), 'utf8');

const WAIT_MS = 20_000;

/** A query as it crosses into the page: a RegExp travels as its source and flags. */
function portable(query) {
  const out = {};
  for (const [key, value] of Object.entries(query)) {
    out[key] = value instanceof RegExp ? { source: value.source, flags: value.flags } : value;
  }
  return out;
}

/** In the page: every element matching `query` ({role, name, level} | {label} | {text}), in the document and
 *  in every open shadow root, or 'no queries' when this page has not been given Testing Library yet. */
function matches(query) {
  const dom = globalThis.TestingLibraryDom;
  if (!dom) return 'no queries';
  const pattern = (m) => (m && typeof m === 'object' ? new RegExp(m.source, m.flags) : m);
  const roots = [document.body ?? document.documentElement];
  for (let i = 0; i < roots.length; i += 1) {
    for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  const found = roots.flatMap((root) => {
    if (query.role) return dom.queryAllByRole(root, query.role, { name: pattern(query.name), level: query.level });
    if (query.label) return dom.queryAllByLabelText(root, pattern(query.label));
    return dom.queryAllByText(root, pattern(query.text));
  });
  return query.nth === undefined ? found : found.slice(query.nth).slice(0, 1);
}

/** Words for a failure message: what was looked for. */
const described = (query) => JSON.stringify(query, (_, v) => (v instanceof RegExp ? String(v) : v));

export class Tab {
  /** `engine` from launchEngine; `raw` the engine's own primitives for one isolated tab. */
  constructor(engine, raw) {
    this.engine = engine;
    this.raw = raw;
    this.problems = raw.problems;
  }

  static async open(engine) {
    return new Tab(engine, await engine.newTab());
  }

  /** Whether this engine's driver can take the network away (Chromium, Firefox), rather than the server. */
  get canGoOffline() {
    return typeof this.raw.setOffline === 'function';
  }

  goto(url) {
    return this.raw.goto(url);
  }

  reload() {
    return this.raw.reload();
  }

  /** `fn(arg)` run in the page; its answer as JSON. */
  evaluate(fn, arg) {
    return this.raw.evaluate(fn.toString(), arg);
  }

  /** Polls `fn(arg)` in the page until `ok(answer)`; returns that answer, or fails after the deadline with
   *  the last one. */
  async until(fn, arg, ok, { timeout = WAIT_MS, what = fn.name } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const answer = await this.evaluate(fn, arg).catch((e) => ({ error: e.message }));
      if (ok(answer)) return answer;
      if (Date.now() > deadline) throw new Error(`${this.engine.name}: ${what} never came; last ${JSON.stringify(answer)}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  async #matching(query, ms = WAIT_MS) {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = await this.raw.evaluate(`(q) => { const m = ${matches}; const r = m(q); return typeof r === 'string' ? r : r.length; }`, portable(query)).catch(() => 'navigating');
      if (found === 'no queries') await this.raw.evaluate(`() => { ${QUERIES}; return true; }`).catch(() => false);
      else if (typeof found === 'number' && found > 0) return found;
      if (Date.now() > deadline) throw new Error(`${this.engine.name}: nothing matches ${described(query)} within ${ms} ms`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }

  /** Waits until something matches `query`. */
  async waitFor(query, { timeout = WAIT_MS } = {}) {
    await this.#matching(query, timeout);
  }

  /** How many elements match `query` now (0 when none, without waiting). */
  async count(query) {
    const count = () => this.raw.evaluate(`(q) => { const r = (${matches})(q); return typeof r === 'string' ? -1 : r.length; }`, portable(query));
    const found = await count();
    if (found >= 0) return found;
    await this.raw.evaluate(`() => { ${QUERIES}; return true; }`);
    const again = await count();
    if (again < 0) throw new Error(`${this.engine.name}: Testing Library could not be given to the page`);
    return again;
  }

  /** The one element matching `query` (waited for); `nth` in the query picks one of several. */
  async #element(query) {
    const count = await this.#matching(query);
    if (count > 1 && query.nth === undefined) throw new Error(`${this.engine.name}: ${count} elements match ${described(query)}`);
    return this.raw.element(`(q) => (${matches})(q)[0]`, portable(query));
  }

  /** Runs `action(element)` on the element matching `query`, found afresh should it be replaced on the way
   *  (a page drawn again, a static shell swapped for the app): a stale element is retried until the deadline. */
  async #act(query, action) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        return await action(await this.#element(query));
      } catch (e) {
        if (Date.now() > deadline || /elements match|nothing matches/.test(e.message)) throw e;
        await new Promise((ok) => setTimeout(ok, 100));
      }
    }
  }

  /** In the page: `fn` applied to the first element matching the query, with `arg`. */
  #on(query, fn, arg) {
    return this.raw.evaluate(`(a) => (${fn})((${matches})(a.q)[0], a.arg)`, { q: portable({ ...query, nth: query.nth ?? 0 }), arg });
  }

  async click(query) {
    await this.#act(query, (el) => this.raw.click(el));
  }

  /** Checks a radio or checkbox by clicking it, unless it is checked already; then it must be checked. */
  async check(query) {
    await this.#act(query, async (el) => {
      if (!(await this.#on(query, (input) => input.checked))) await this.raw.click(el);
      if (!(await this.#on(query, (input) => input.checked))) throw new Error(`${this.engine.name}: ${described(query)} is not checked`);
    });
  }

  /** Types `text` into the field, key by key, after emptying it. A date field is set as its picker sets it:
   *  each engine's date control takes different keystrokes (segments, a locale's order), none a person's. */
  async fill(query, text) {
    await this.#act(query, async (el) => {
      const kind = await this.#on(query, (field) => {
        if (field.value !== '' || field.type === 'date') {
          field.value = '';
          field.dispatchEvent(new Event('input', { bubbles: true }));
        }
        return field.type;
      });
      if (kind !== 'date') return this.raw.type(el, text);
      return this.#on(query, (field, value) => {
        field.value = value;
        field.dispatchEvent(new Event('input', { bubbles: true }));
        field.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      }, text);
    });
  }

  /** The field's current value. */
  async value(query) {
    await this.#matching(query);
    return this.#on(query, (field) => field.value);
  }

  /** The element's text, trimmed. */
  async text(query) {
    await this.#matching(query);
    return this.#on(query, (el) => el.textContent.trim());
  }

  /** Picks `files` ({ name, mimeType, buffer }) in the file input found by `query`. */
  async upload(query, files) {
    await this.#act(query, (el) => this.raw.setFiles(el, files));
  }

  /** Takes the network away (true) or gives it back; only where `canGoOffline`. */
  async setOffline(offline) {
    if (!this.canGoOffline) throw new Error(`${this.engine.name}: its driver cannot take the network away`);
    await this.raw.setOffline(offline);
  }

  close() {
    return this.raw.close();
  }
}
