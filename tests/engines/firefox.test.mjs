// The cross-engine journeys (journeys.mjs) in Firefox ESR (Debian's), driven by puppeteer-core over WebDriver BiDi.
import { journeys } from './journeys.mjs';

journeys('firefox');
