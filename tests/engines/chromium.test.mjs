// The cross-engine journeys (journeys.mjs) in Chromium (Debian's), driven by playwright-core as tests/e2e drives it.
import { journeys } from './journeys.mjs';

journeys('chromium');
