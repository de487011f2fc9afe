#!/usr/bin/env node
// The catalogue's own checks, in well under a second (scripts/test runs it before compiling anything):
//  1. every language file has an arm for every key of `Msg`, `Counted` and `IntakeMsg` (the intake's own
//     words, kept out of the Wasm), and no catch-all arm (`_ =>`)
//     that would let a key fall through to another language's words;
//  2. every message has the same `{placeholders}` in every language;
//  3. no component writes words to the customer outside the catalogue: a string literal with a letter in it,
//     inside `view! { … }`, that is not an attribute's value (`class="…"`, `type="button"`);
//  4. the widget's words before its Wasm arrives (`embed/embed.js`'s WORDS) are the catalogue's own.
// The compiler's exhaustive `match` and the domain's tests check 1 and 2 as well; this says which key and
// which file at once, and 3 is checked nowhere else. Exit code 1 lists every finding.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const catalog = join(root, 'crates/domain/src/i18n/catalog');
const problems = [];

// ---- 1 and 2: keys and placeholders -------------------------------------------------------------------
const mod = readFileSync(join(catalog, 'mod.rs'), 'utf8');
function enumKeys(name) {
  const body = mod.match(new RegExp(`enum ${name} \\{([^}]*)\\}`));
  if (!body) throw new Error(`enum ${name} not found in catalog/mod.rs`);
  return body[1]
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, '').trim().replace(/,$/, ''))
    .filter((word) => /^[A-Z]\w*$/.test(word));
}
const msgKeys = enumKeys('Msg');
const countedKeys = enumKeys('Counted');
const intakeKeys = enumKeys('IntakeMsg');

/** `Msg::Key => "text"` (or a block holding one string) → Map of key → every literal in its arm. */
function arms(source, prefix) {
  const found = new Map();
  // `\b`: `IntakeMsg::` is not a `Msg::` arm.
  const re = new RegExp(`\\b${prefix}::(\\w+)\\s*=>`, 'g');
  const starts = [...source.matchAll(re)];
  starts.forEach((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : source.length;
    const arm = source.slice(m.index + m[0].length, end);
    const literals = [...arm.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((l) => l[1]);
    found.set(m[1], literals);
  });
  return found;
}
const placeholders = (texts) => [...new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((p) => p[1])))].sort().join(',');

// One file per language, named by its code (`en.rs`); the folder's other files (mod.rs, the sentence rules'
// tests) hold no catalogue.
const languages = readdirSync(catalog).filter((f) => /^[a-z]{2}\.rs$/.test(f));
const byLanguage = new Map();
for (const file of languages) {
  const source = readFileSync(join(catalog, file), 'utf8');
  if (/^\s*_\s*=>/m.test(source)) problems.push(`catalog/${file}: a catch-all arm (_ =>) hides missing keys`);
  const countedAt = source.indexOf('pub(super) fn counted');
  const intakeAt = source.indexOf('pub(super) fn intake');
  const messages = arms(source.slice(0, countedAt), 'Msg');
  const counted = arms(source.slice(countedAt, intakeAt), 'Counted');
  const intake = arms(source.slice(intakeAt), 'IntakeMsg');
  for (const key of msgKeys) if (!messages.has(key)) problems.push(`catalog/${file}: Msg::${key} is missing`);
  for (const key of messages.keys()) if (!msgKeys.includes(key)) problems.push(`catalog/${file}: Msg::${key} is not a key`);
  for (const key of countedKeys) if (!counted.has(key)) problems.push(`catalog/${file}: Counted::${key} is missing`);
  for (const key of intakeKeys) if (!intake.has(key)) problems.push(`catalog/${file}: IntakeMsg::${key} is missing`);
  for (const key of intake.keys()) if (!intakeKeys.includes(key)) problems.push(`catalog/${file}: IntakeMsg::${key} is not a key`);
  byLanguage.set(file, { messages, counted, intake });
}
const english = byLanguage.get('en.rs');
for (const [file, { messages, counted, intake }] of byLanguage) {
  if (file === 'en.rs') continue;
  for (const key of msgKeys) {
    const want = placeholders(english.messages.get(key) ?? []);
    const got = placeholders(messages.get(key) ?? []);
    if (want !== got) problems.push(`catalog/${file}: Msg::${key} has {${got}}, English has {${want}}`);
  }
  for (const key of intakeKeys) {
    const want = placeholders(english.intake.get(key) ?? []);
    const got = placeholders(intake.get(key) ?? []);
    if (want !== got) problems.push(`catalog/${file}: IntakeMsg::${key} has {${got}}, English has {${want}}`);
  }
  for (const key of countedKeys) {
    const got = placeholders(counted.get(key) ?? []);
    if (got !== 'n') problems.push(`catalog/${file}: Counted::${key} has {${got}}, every form needs {n}`);
  }
}

// ---- 3: words in components ------------------------------------------------------------------------------
function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? rustFiles(path) : name.endsWith('.rs') ? [path] : [];
  });
}

/** The text of every `view! { … }` in `source`, with the offset where each starts. */
function views(source) {
  const found = [];
  let from = 0;
  for (;;) {
    const start = source.indexOf('view!', from);
    if (start < 0) return found;
    const open = source.indexOf('{', start);
    let depth = 0;
    let i = open;
    for (; i < source.length; i++) {
      const c = source[i];
      if (c === '"') {
        for (i++; i < source.length && source[i] !== '"'; i++) if (source[i] === '\\') i++;
      } else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    found.push({ offset: open, text: source.slice(open, i + 1) });
    from = i + 1;
  }
}

for (const path of rustFiles(join(root, 'src'))) {
  const source = readFileSync(path, 'utf8');
  for (const { offset, text } of views(source)) {
    for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      if (!/\p{L}/u.test(m[1])) continue; // spaces, punctuation, "·"
      if (/^[A-Z0-9]{2,5}$/.test(m[1])) continue; // a format's name ("PDF"), the same in every language
      const before = text.slice(0, m.index).trimEnd();
      if (before.endsWith('=')) continue; // an attribute's value
      // A literal inside a Rust expression in braces (`{if x { "a" } else { "b" }}`, `Some("rejected")`) is
      // code, not a text node, when it is not directly between tags.
      const prev = before.at(-1);
      if (prev !== '>' && prev !== '}') continue;
      const after = text.slice(m.index + m[0].length).trimStart()[0];
      if (prev === '}' && after !== '<' && after !== '{') continue;
      const line = source.slice(0, offset + m.index).split('\n').length;
      problems.push(`${relative(root, path)}:${line}: words outside the catalogue: "${m[1]}"`);
    }
  }
}

// ---- 4: the widget's box before the Wasm ----------------------------------------------------------------
const embed = readFileSync(join(root, 'embed/embed.js'), 'utf8');
const boxKeys = { file: 'NavFile', track: 'NavTrack', loading: 'Loading', failed: 'LoadFailedTitle' };
for (const m of embed.matchAll(/^\s*(\w\w): \{([^}]*)\},?$/gm)) {
  const messages = byLanguage.get(`${m[1]}.rs`)?.messages;
  if (!messages) continue;
  for (const [word, key] of Object.entries(boxKeys)) {
    const said = m[2].match(new RegExp(`${word}: '([^']*)'`))?.[1];
    const want = messages.get(key)?.[0];
    if (said !== want) problems.push(`embed/embed.js: ${m[1]}.${word} is "${said}", the catalogue's Msg::${key} is "${want}"`);
  }
}

if (problems.length > 0) {
  console.error(`The catalogue check found ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`catalogue: ${languages.length} languages, ${msgKeys.length} messages, ${countedKeys.length} counted, ${intakeKeys.length} the intake's own; components use it for every word`);
