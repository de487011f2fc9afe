// axe-core's WCAG 2.2 A/AA rules on the page as it is now; any violation fails the test with its rule and nodes.
// `include` (a CSS selector, such as `#desk` for a <complaint-desk>) checks only that element, its open
// shadow root included (axe walks open shadow roots): a widget is judged without its host page's markup.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Each violation as `rule: node, node`, so a failure names what to fix; `include` narrows the check to one
 *  element (a widget, shadow root included). */
export async function axeViolations(page, { include } = {}) {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function assertAccessible(page, options = {}) {
  assert.deepEqual(await axeViolations(page, options), [], 'axe found WCAG violations');
}
