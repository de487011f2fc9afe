// A phone with many complaints on it, for the drafts test and the benchmark's device part.

/** In the page (pass to `page.evaluate`): the app's one saved draft copied to `count` drafts in all (each a
 *  minute older than the one before, its description numbered), and `count` complaints sent from this device
 *  (a day apart, references `CMP-<tag>-0000` on, each with `verifier` when one is given). */
export function fillDevice({ count, tag, verifier }) {
  return new Promise((done, fail) => {
    const open = indexedDB.open('complaint-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const read = db.transaction('drafts').objectStore('drafts').getAll();
      read.onsuccess = () => {
        const [draft] = read.result;
        if (!draft) return fail(new Error('no draft saved'));
        const tx = db.transaction(['drafts', 'sent'], 'readwrite');
        for (let i = 1; i < count; i += 1) {
          tx.objectStore('drafts').put({ ...draft, id: `${draft.id.slice(0, -4)}${String(i).padStart(4, '0')}`, description: `${draft.description} ${i}`, updated_at_ms: draft.updated_at_ms - i * 60_000 });
        }
        for (let i = 0; i < count; i += 1) {
          const sent = { reference: `CMP-${tag}-${String(i).padStart(4, '0')}`, category: 'delivery', sent_at_ms: Date.now() - i * 86_400_000 };
          tx.objectStore('sent').put(verifier ? { ...sent, verifier } : sent);
        }
        tx.oncomplete = () => {
          db.close();
          done();
        };
        tx.onerror = () => fail(tx.error);
      };
    };
  });
}
