// The desk's loader. Trunk writes `<script type="module" src="/staff/boot.js" data-glue="…" data-wasm="…">`
// into the page (pattern_script in crates/staff-web/Trunk.toml): a file of the site, so the desk's
// Content-Security-Policy needs no hash. When the desk cannot start it says so, with Try again, instead of
// "Loading…" for ever. The words are the catalogue's (crates/staff-web/src/i18n: CannotStart, TryAgain).
const WORDS = {
  en: ['The desk cannot open right now. Check your connection and try again.', 'Try again'],
  ko: ['지금은 데스크를 열 수 없습니다. 연결 상태를 확인한 뒤 다시 시도해 주세요.', '다시 시도'],
  pl: ['Nie można teraz otworzyć panelu. Proszę sprawdzić połączenie i spróbować ponownie.', 'Spróbuj ponownie'],
};

const script = document.querySelector('script[data-glue][data-wasm]');

async function start() {
  const { glue, wasm } = script.dataset;
  const module = await import(glue);
  await module.default({ module_or_path: wasm });
}

function language() {
  let remembered;
  try {
    remembered = localStorage.getItem('staff-desk.locale');
  } catch {
    // Storage blocked: no remembered choice.
  }
  const tags = [remembered, ...(navigator.languages ?? []), navigator.language];
  return tags.map((t) => String(t ?? '').split(/[-_]/)[0].toLowerCase()).find((t) => t in WORDS) ?? 'en';
}

start().catch((error) => {
  console.warn('the desk could not start:', error);
  const lang = language();
  const [text, retry] = WORDS[lang];
  const root = document.getElementById('desk');
  const section = document.createElement('section');
  section.setAttribute('role', 'alert');
  section.lang = lang;
  const p = document.createElement('p');
  p.textContent = text;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button';
  button.textContent = retry;
  button.addEventListener('click', () => location.reload());
  section.append(p, button);
  root.replaceChildren(section);
});
