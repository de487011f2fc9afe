// The status-file scheme of docs/status.md, written again here from the document (not from the app's
// code), so the tests check the app against the published contract.
import { createHash } from 'node:crypto';

const normaliseReference = (text) => [...text].filter((c) => /[A-Za-z0-9]/.test(c)).join('').toUpperCase();

const normaliseVerifier = (text) => (text.includes('@') ? text.trim().toLowerCase() : normaliseReference(text));

/** `/api/v1/status/{sha256 hex}.json` for a reference and the customer's email or PIN. */
export function statusPath(reference, verifier) {
  const input = `complaint-desk/status/v1\n${normaliseReference(reference)}\n${normaliseVerifier(verifier)}`;
  return `/api/v1/status/${createHash('sha256').update(input, 'utf8').digest('hex')}.json`;
}

/** A valid status record for a delivery complaint received on Monday 16 Nov 2026, with `changes` on top. */
export function statusRecord(changes = {}) {
  return {
    schema_version: 1,
    reference: 'CMP-E2E-0001',
    category: 'delivery',
    updated_at: '2026-11-16T15:40:00Z',
    history: [
      { stage: 'received', at: '2026-11-16T10:12:00Z' },
      { stage: 'acknowledged', at: '2026-11-16T15:40:00Z', message: 'We have your complaint.' },
    ],
    ...changes,
  };
}
