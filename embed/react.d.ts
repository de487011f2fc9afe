// <complaint-desk> in a React 19 host's JSX: its attributes (complaint-desk.d.ts) and a ref to the element.
// React 19 sets a custom element's attributes and properties from its props; its events are best heard
// through the ref (addEventListener), which is typed with each event's `detail`.
import type { Key, Ref } from 'react';
import type { ComplaintDeskAttributes, ComplaintDeskElement } from './complaint-desk';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'complaint-desk': ComplaintDeskAttributes & {
        ref?: Ref<ComplaintDeskElement>;
        key?: Key;
        id?: string;
        className?: string;
      };
    }
  }
}
