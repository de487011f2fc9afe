// A React 19 host's page, as an embedder writes it with embed/complaint-desk.d.ts: the widget mounted on one
// route and not on the other, its `lang` from the page's own state, the reference heard from
// `complaint:submitted`. Only type-checked (`tsc --noEmit -p tests/hosts`, in ./scripts/test): the lines
// marked @ts-expect-error must stay errors, so types that let anything through fail the check.
import { useEffect, useRef, useState } from 'react';
import type { ComplaintDeskElement, ComplaintDeskLang } from '../../embed/complaint-desk';

export function ReportPage({ route, api }: { route: 'help' | 'report'; api: string }) {
  const [lang, setLang] = useState<ComplaintDeskLang>('en');
  const [reference, setReference] = useState<string>();
  const desk = useRef<ComplaintDeskElement>(null);

  useEffect(() => {
    const element = desk.current;
    if (!element) return undefined;
    const heard = (event: CustomEvent<{ reference: string }>) => setReference(event.detail.reference);
    element.addEventListener('complaint:submitted', heard);
    return () => element.removeEventListener('complaint:submitted', heard);
  }, [route]);

  useEffect(() => {
    const step = (event: CustomEvent<{ step: string }>) => console.info(event.detail.step);
    document.addEventListener('complaint:step', step);
    return () => document.removeEventListener('complaint:step', step);
  }, []);

  if (route === 'help') return <p>Most parcels arrive within five working days.</p>;
  return (
    <section>
      <button type="button" onClick={() => setLang(lang === 'en' ? 'pl' : 'en')}>
        {lang === 'en' ? 'Po polsku' : 'In English'}
      </button>
      <complaint-desk ref={desk} api={api} lang={lang} category="delivery" mode="file" />
      {reference && <p>Thank you. We have your complaint {reference}.</p>}
    </section>
  );
}

export function mistakes(element: ComplaintDeskElement) {
  // @ts-expect-error a mode the widget does not have
  const mode = <complaint-desk mode="chat" />;
  // @ts-expect-error a language the widget does not speak
  const lang = <complaint-desk lang="de" />;
  // @ts-expect-error `complaint:submitted` carries a reference, not a code
  element.addEventListener('complaint:submitted', (event) => event.detail.code);
  // @ts-expect-error an error's code is one of four
  element.addEventListener('complaint:error', (event) => event.detail.code === 'timeout');
  return [mode, lang];
}
