// Types for pages that embed the complaint desk (docs/embed.md): the <complaint-desk> element, its attributes,
// and the events it tells the host, with their `detail`. Every event bubbles and is composed, so a host may
// listen on the element or on `document`. A TypeScript host includes this file; a React 19 host also
// includes react.d.ts beside it, for the element in JSX.

/** `en`, `ko` or `pl`; a region (`pl-PL`) is fine, and an unknown language falls back (with a warning). */
export type ComplaintDeskLang = 'en' | 'ko' | 'pl' | `${'en' | 'ko' | 'pl'}-${string}`;

/** `file`: the complaint form (the default); `track`: the tracker. */
export type ComplaintDeskMode = 'file' | 'track';

/** A step the form has put on screen (`category` only when the customer goes back to it). */
export type ComplaintDeskStep =
  | 'category'
  | 'common_answers'
  | 'what_happened'
  | 'outcome'
  | 'evidence'
  | 'contact'
  | 'check_answers';

/** Why the widget could not do what it was there for (docs/embed.md, "Events"). */
export type ComplaintDeskErrorCode = 'config_unavailable' | 'load_failed' | 'rejected' | 'unavailable';

/** Each event's `detail`. */
export interface ComplaintDeskEventDetail {
  /** The organisation's config is loaded and the widget can be used. */
  'complaint:ready': Record<string, never>;
  'complaint:step': { step: ComplaintDeskStep };
  /** The organisation has the complaint. */
  'complaint:submitted': { reference: string };
  /** No connection: the complaint waits on the device and is sent by itself later. */
  'complaint:queued': Record<string, never>;
  'complaint:error': { code: ComplaintDeskErrorCode };
}

export type ComplaintDeskEventMap = {
  [K in keyof ComplaintDeskEventDetail]: CustomEvent<ComplaintDeskEventDetail[K]>;
};

/** The element's attributes; each may change after the widget has started (docs/embed.md, "Attributes"). */
export interface ComplaintDeskAttributes {
  /** The organisation's API folder (its `config.json`); default: the desk's own `/api/v1/`. */
  api?: string;
  lang?: ComplaintDeskLang;
  /** A category `id` from the organisation's config, shown already chosen. */
  category?: string;
  mode?: ComplaintDeskMode;
  /** Which device store the widget uses (its drafts, photos and outbox). */
  name?: string;
}

export interface ComplaintDeskElement extends HTMLElement {
  addEventListener<K extends keyof ComplaintDeskEventMap>(
    type: K,
    listener: (this: ComplaintDeskElement, event: ComplaintDeskEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: ComplaintDeskElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof ComplaintDeskEventMap>(
    type: K,
    listener: (this: ComplaintDeskElement, event: ComplaintDeskEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: ComplaintDeskElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'complaint-desk': ComplaintDeskElement;
  }
  // The events are composed and bubble: `document.addEventListener('complaint:submitted', …)` is typed too.
  interface DocumentEventMap extends ComplaintDeskEventMap {}
}
