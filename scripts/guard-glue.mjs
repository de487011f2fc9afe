#!/usr/bin/env node
// Writes the widget's copy of the wasm-bindgen glue into the folder given, named by its own content hash
// (complaint-desk-embed-<hash>.js), and prints that name. Called by scripts/stamp-embed.
//
// The one change: every callback from the browser into the Wasm (wasm-bindgen's makeClosure and
// makeMutClosure: event listeners, timers, microtasks, promise callbacks) catches a WebAssembly trap.
// A Rust panic inside the widget has already put a calm message in each widget's box (src/crash.rs); the
// trap that follows would otherwise be thrown at the host page, whose window.onerror is not ours to fill.
// After a trap the module is dead, so any later error out of it is kept too. Other errors pass unchanged.
// If wasm-bindgen's glue stops matching, the build fails here rather than ship an unguarded widget.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [source, folder] = process.argv.slice(2);
let glue = readFileSync(source, 'utf8');
const calls = ['return f(state.a, state.b, ...args);', 'return f(a, state.b, ...args);'];
for (const call of calls) {
  const at = `        try {\n            ${call}\n        } finally {`;
  const found = glue.split(at).length - 1;
  if (found !== 1) {
    console.error(`guard-glue: expected one "${call}" in a try/finally in ${source}, found ${found}`);
    process.exit(1);
  }
  glue = glue.replace(at, `        try {\n            ${call}\n        } catch (error) {\n            return complaintDeskStopped(error);\n        } finally {`);
}
glue += `
// Added for the widget by scripts/guard-glue.mjs: a trap stays inside the widget.
let complaintDeskTrapped = false;
function complaintDeskStopped(error) {
    if (!(error instanceof WebAssembly.RuntimeError) && !complaintDeskTrapped) throw error;
    complaintDeskTrapped = true;
    console.warn('complaint-desk: the widget stopped', error);
    return undefined;
}
`;
const name = `complaint-desk-embed-${createHash('sha256').update(glue).digest('hex').slice(0, 16)}.js`;
writeFileSync(join(folder, name), glue);
console.log(name);
