// axe-core's WCAG 2.2 A/AA rules on the page as it is now; any violation fails the test with its rule and nodes.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Each violation as `rule: node, node`, so a failure names what to fix. */
export async function axeViolations(page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function assertAccessible(page) {
  assert.deepEqual(await axeViolations(page), [], 'axe found WCAG violations');
}
