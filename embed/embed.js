// The complaint desk's embed entry, served at the stable address /embed/v1/embed.js. A host page includes it
// as a module script and places <complaint-desk> elements (docs/embed.md). This file is a template:
// scripts/stamp-embed (a Trunk post-build hook) writes each release's content-hashed file names into
// RELEASE and puts those files beside it, so a host's snippet never changes between releases.
//
// Nothing heavy happens on the host's load: the element paints a small box with a button; the Wasm is fetched
// only when the box comes near the viewport or the button is pressed. Two modules: the widget's (the form
// only) for a widget in file mode, the tracker's (tracking and the form) for mode="track". When a file-mode
// widget opens tracking, the tracker's module is fetched then and drawn in a second box beside the form,
// which stays mounted (hidden) where the customer left it (src/widget). No inline script or style anywhere:
// the stylesheet is fetched and adopted as a constructed sheet (see docs/embed.md for the measurement).

const HERE = new URL('./', import.meta.url);
const RELEASE = { glue: '__GLUE__', wasm: '__WASM__', trackerGlue: '__TRACKER_GLUE__', trackerWasm: '__TRACKER_WASM__', style: '__STYLE__' };

// The box's words before the Wasm (and its catalogue) arrive: the catalogue's NavFile, NavTrack, Loading and
// LoadFailedTitle, in the same three languages (crates/domain/src/i18n/catalog/).
const WORDS = {
  en: { file: 'Make a complaint', track: 'Track a complaint', loading: 'Loading…', failed: 'Sorry, the complaint form cannot open right now' },
  ko: { file: '불만 접수하기', track: '처리 현황 조회', loading: '불러오는 중…', failed: '죄송합니다. 지금은 불만 접수 양식을 열 수 없습니다' },
  pl: { file: 'Złóż zgłoszenie', track: 'Sprawdź status', loading: 'Wczytywanie…', failed: 'Przepraszamy, nie możemy teraz otworzyć formularza' },
};

let sheet; // Promise<CSSStyleSheet>, shared by every widget on the page
const modules = {}; // 'file' | 'track' → Promise<that wasm-bindgen module, initialised>

function styleSheet() {
  sheet ??= fetch(new URL(RELEASE.style, HERE), { credentials: 'omit' })
    .then((response) => (response.ok ? response.text() : Promise.reject(new Error(`stylesheet: HTTP ${response.status}`))))
    .then((css) => {
      const constructed = new CSSStyleSheet();
      constructed.replaceSync(css);
      return constructed;
    });
  sheet.catch(() => (sheet = undefined));
  return sheet;
}

function wasm(mode) {
  // The glue and its .wasm sit beside this file (the glue's own default is the unhashed name Trunk renames,
  // so the hashed one is passed). Its `main` does nothing on a host's page; `mountWidget` is the widget's entry.
  const [glueName, wasmName] = mode === 'track' ? [RELEASE.trackerGlue, RELEASE.trackerWasm] : [RELEASE.glue, RELEASE.wasm];
  modules[mode] ??= import(new URL(glueName, HERE).href).then(async (glue) => {
    await glue.default({ module_or_path: new URL(wasmName, HERE) });
    return glue;
  });
  modules[mode].catch(() => (modules[mode] = undefined));
  return modules[mode];
}

const modeOf = (element) => (element.getAttribute('mode')?.trim() === 'track' ? 'track' : 'file');

function language(tag) {
  const wanted = [tag, ...(navigator.languages ?? [])].filter(Boolean).map((t) => t.toLowerCase().split(/[-_]/)[0]);
  return wanted.find((t) => t in WORDS) ?? 'en';
}

// The device store a widget uses (its drafts, outbox and sent list): its `name`, else its mode and category,
// as the element first connects; fixed for the element's life, so a later change of attributes never moves
// a draft to another store. Same markup, same store on the next visit (docs/embed.md).
function storeKey(element) {
  const name = element.getAttribute('name')?.trim();
  if (name) return name;
  const mode = modeOf(element);
  const category = element.getAttribute('category')?.trim();
  return category ? `${mode}.${category}` : mode;
}

class ComplaintDesk extends HTMLElement {
  // Changed after mount: lang, mode and category apply in place; api starts the widget again (docs/embed.md).
  static observedAttributes = ['lang', 'mode', 'category', 'api'];
  #shadow;
  #mounted = null;
  #box = null;
  // The tracker's module beside a file-mode widget, once the customer opened tracking: { box, mounted, reference }.
  #companion = null;
  #observer = null;
  #store;
  // Each connection gets a number; work started for an earlier one is dropped when it finishes.
  #connection = 0;

  connectedCallback() {
    this.#shadow ??= this.attachShadow({ mode: 'open' });
    this.#store ??= storeKey(this);
    const connection = ++this.#connection;
    this.#placeholder(connection);
    styleSheet().then(
      (constructed) => connection === this.#connection && (this.#shadow.adoptedStyleSheets = [constructed]),
      () => {},
    );
    // Near the viewport (or pressed): fetch the Wasm. 200px ahead, so it is usually ready on arrival.
    this.#observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && this.#start(connection), {
      rootMargin: '200px',
    });
    this.#observer.observe(this);
  }

  disconnectedCallback() {
    this.#connection += 1;
    this.#observer?.disconnect();
    this.#observer = null;
    const mounted = [this.#mounted, this.#companion?.mounted].filter(Boolean);
    this.#mounted = null;
    this.#box = null;
    this.#companion = null;
    for (const widget of mounted) {
      // A widget that crashed may throw here too; the host never hears it.
      try {
        widget.unmount();
        widget.free();
      } catch (error) {
        console.warn('complaint-desk: the widget could not be removed cleanly', error);
      }
    }
    this.#shadow.replaceChildren();
  }

  attributeChangedCallback(name, before, now) {
    if (before === now || !this.isConnected || !this.#shadow) return;
    if (this.#observer !== null) {
      // Not started yet: the box's button follows the new language or mode.
      this.#placeholder(this.#connection);
      return;
    }
    let applied = false;
    try {
      applied = this.#change(name, now);
    } catch (error) {
      console.warn('complaint-desk: the change could not be applied', error);
    }
    if (!applied && this.#mounted && name === 'api') {
      // Another organisation: the widget starts again. What was typed is on the device and offered back.
      this.disconnectedCallback();
      this.connectedCallback();
      this.#start(this.#connection);
    }
    // Still loading: the new attributes are read when it mounts.
  }

  // `mode` goes to the widget on screen (the form hands tracking over, the tracker hands the form back);
  // the other attributes to both.
  #change(name, now) {
    const companion = this.#companion;
    if (name !== 'mode' || !companion || companion.box.hidden) {
      const widgets = name === 'mode' ? [this.#mounted] : [this.#mounted, companion?.mounted];
      return widgets.filter(Boolean).map((widget) => widget.change(name, now)).includes(true);
    }
    if (companion.mounted) return companion.mounted.change(name, now);
    if (now?.trim() !== 'track') this.#show(this.#box);
    return true;
  }

  // Called by a widget for what its module does not draw: the tracker (`reference` to look up, or '')
  // beside a file-mode widget, or the form back from that tracker.
  #elsewhere(connection, mode, reference) {
    if (connection !== this.#connection) return;
    if (mode !== 'track') {
      this.#show(this.#box);
      return;
    }
    const companion = this.#companion;
    if (companion) {
      companion.reference = reference;
      companion.mounted?.track(reference);
      this.#show(companion.box);
      return;
    }
    this.#openTracker(connection, reference);
  }

  async #openTracker(connection, reference) {
    const box = document.createElement('div');
    box.className = 'desk-widget';
    const companion = (this.#companion = { box, mounted: null, reference });
    box.append(this.#status());
    this.#shadow.append(box);
    this.#show(box);
    try {
      const glue = await wasm('track');
      if (connection !== this.#connection) return;
      box.replaceChildren();
      companion.mounted = glue.mountWidget(this, box, { ...this.#options(connection), mode: 'track', reference: companion.reference, companion: true });
    } catch (error) {
      if (connection !== this.#connection || box.querySelector('.crash-screen')) return;
      console.warn('complaint-desk: the tracker could not load', error);
      this.#companion = null;
      box.replaceChildren(this.#failed());
      this.dispatchEvent(new CustomEvent('complaint:error', { bubbles: true, composed: true, detail: { code: 'load_failed' } }));
    }
  }

  // Shows one of the widget's boxes (the form's, or the tracker's beside it) and hides the other.
  #show(box) {
    if (!box) return;
    for (const child of this.#shadow.children) child.hidden = child !== box;
  }

  #status() {
    const status = document.createElement('p');
    status.className = 'loading';
    status.setAttribute('role', 'status');
    status.textContent = this.#words().loading;
    return status;
  }

  #failed() {
    const failed = document.createElement('p');
    failed.setAttribute('role', 'alert');
    failed.textContent = this.#words().failed;
    return failed;
  }

  #words() {
    return WORDS[language(this.getAttribute('lang'))];
  }

  #placeholder(connection) {
    const words = this.#words();
    const box = document.createElement('div');
    box.className = 'desk-widget desk-widget__placeholder';
    box.lang = language(this.getAttribute('lang'));
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.textContent = this.getAttribute('mode') === 'track' ? words.track : words.file;
    button.addEventListener('click', () => this.#start(connection));
    box.append(button);
    this.#shadow.replaceChildren(box);
  }

  #options(connection) {
    const given = this.getAttribute('api');
    let api;
    try {
      api = new URL(given ?? new URL('../../api/v1/', HERE), document.baseURI).href;
    } catch {
      api = given; // not a URL: the widget says so in the console and uses its own site's API
    }
    return {
      api,
      lang: this.getAttribute('lang'),
      category: this.getAttribute('category'),
      mode: this.getAttribute('mode'),
      store: this.#store,
      // Called from inside the Wasm: run after it returns, never into the module still on the stack.
      elsewhere: (mode, reference) => queueMicrotask(() => this.#elsewhere(connection, mode, reference)),
    };
  }

  async #start(connection) {
    if (connection !== this.#connection || this.#mounted || this.#observer === null) return;
    this.#observer.disconnect();
    this.#observer = null;
    this.#shadow.firstChild?.replaceChildren(this.#status());
    try {
      const [glue, constructed] = await Promise.all([wasm(modeOf(this)), styleSheet()]);
      if (connection !== this.#connection) return;
      this.#shadow.adoptedStyleSheets = [constructed];
      const box = document.createElement('div');
      box.className = 'desk-widget';
      this.#shadow.replaceChildren(box);
      this.#box = box;
      this.#mounted = glue.mountWidget(this, box, this.#options(connection));
    } catch (error) {
      if (connection !== this.#connection) return;
      // The widget started and then stopped: its own message is already in the box.
      if (this.#shadow.querySelector('.crash-screen')) return;
      // Blocked by the host's CSP, no CORS for this origin, offline: said in the box, never thrown at the host.
      console.warn('complaint-desk: the widget could not load', error);
      this.#shadow.replaceChildren(this.#failed());
      this.dispatchEvent(new CustomEvent('complaint:error', { bubbles: true, composed: true, detail: { code: 'load_failed' } }));
    }
  }
}

if (!customElements.get('complaint-desk')) customElements.define('complaint-desk', ComplaintDesk);
