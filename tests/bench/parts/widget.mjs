// The host page's cost of the widget: the demo shop's "report a problem" page (demo/shop/, on its own
// origin, under its strict CSP) loaded cold on the slow-4G/CPU ×4 profile, with the widget and with its
// script answered empty (the same page, no widget); LCP as the browser reports it once the network is
// quiet, median of RUNS (5) each.
import { PHONE } from '../../e2e/support/browser.mjs';
import { CPU_SLOWDOWN, NETWORK, RUNS } from './load.mjs';

async function hostLcp(browser, shop, withWidget) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB', hasTouch: true });
  try {
    if (!withWidget) {
      await context.route('**/embed/v1/embed.js', (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
    }
    await context.addInitScript(() => {
      window.__lcp = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__lcp.push(e.startTime))).observe({ type: 'largest-contentful-paint', buffered: true });
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await page.goto(shop + '/', { waitUntil: 'networkidle', timeout: 120_000 });
    return await page.evaluate(() => window.__lcp.at(-1) ?? NaN);
  } finally {
    await context.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default {
  name: 'widget',
  async run({ browser, shop }) {
    const runs = { with: [], without: [] };
    for (let i = 0; i < RUNS; i += 1) {
      runs.without.push(await hostLcp(browser, shop, false));
      runs.with.push(await hostLcp(browser, shop, true));
    }
    const spread = (xs) => `median of ${RUNS}, ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    return [
      { what: 'host page (demo shop) LCP without the widget', value: median(runs.without), unit: 'ms', note: spread(runs.without) },
      { what: 'host page (demo shop) LCP with the widget', value: median(runs.with), unit: 'ms', note: spread(runs.with) },
      { what: 'host page LCP, with ÷ without the widget', value: median(runs.with) / median(runs.without), unit: '×' },
    ];
  },
};
