// WCAG 2.2 AA on every screen in Polish: the sweep of support/sweep.mjs (English and the keyboard journey are in
// a11y.test.mjs).
import { useServerAndBrowser } from './support/harness.mjs';
import { sweep } from './support/sweep.mjs';

const env = useServerAndBrowser();

sweep(env, 'pl');
