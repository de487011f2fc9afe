// axe-core's WCAG 2.2 A/AA rules on the page as it is now; any violation fails the test with its rule and nodes.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';

export async function assertAccessible(page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    'axe found WCAG violations',
  );
}
