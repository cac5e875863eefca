import type { Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/**
 * axe-core's violations on the page at rest, one line each (rule, impact, help, up to three
 * elements): once the network is idle and every animation has ended. PatternFly fades an error's
 * helper text in, and axe measuring its colour halfway found the text too faint.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Those that end (a spinner turns for ever), for at most two seconds.
  await page.evaluate(`Promise.race([
    Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => undefined))),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ])`);
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}
