// The faces warmed while the page is idle (styles/font-warm.ts) are every face
// the views draw: the empty page, an opened archive's layer and merged trees
// and every tab draw no text in a face the warm-up did not draw first, so
// Chromium asks the browser process for none of them while the archive opens.
import { expect, test, type Page } from '@playwright/test';
import { fixture } from './util';

/** "family | size | weight | style" of every element showing text, in every shadow root. */
async function facesShown(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const seen = new Set<string>();
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        if (el.closest('#font-warm, noscript, style, script')) continue;
        if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim())) continue;
        if ((el as HTMLElement).getClientRects().length === 0) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility !== 'visible') continue;
        seen.add(`${cs.fontFamily} | ${cs.fontSize} | ${cs.fontWeight} | ${cs.fontStyle}`);
      }
    };
    walk(document);
    return [...seen].sort();
  });
}

/** The same for the warm-up's spans. */
async function facesWarmed(page: Page): Promise<Set<string>> {
  const faces = await page.evaluate(() => {
    const app = document.querySelector('layer-scope-app')!;
    const spans = [...app.shadowRoot!.querySelectorAll('#font-warm span')];
    return spans.map((s) => {
      const cs = getComputedStyle(s);
      return `${cs.fontFamily} | ${cs.fontSize} | ${cs.fontWeight} | ${cs.fontStyle}`;
    });
  });
  return new Set(faces);
}

test('every face the views draw was drawn by the warm-up before the archive came', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('./');
  // The warm-up runs when the page is first idle.
  await expect.poll(async () => (await facesWarmed(page)).size, { timeout: 10_000 }).toBeGreaterThan(100);
  const warmed = await facesWarmed(page);
  const missing = new Map<string, string>();
  const check = async (where: string) => {
    for (const f of await facesShown(page)) if (!warmed.has(f) && !missing.has(f)) missing.set(f, where);
  };
  await check('the empty page');
  await page.locator('#file').setInputFiles(fixture('skopeo-oci-archive-zstd-features'));
  await expect(page.locator('#archive-panel')).toHaveAttribute('data-indexed', 'true', { timeout: 60_000 });
  await check('the files tab');
  await page.locator('#view-merged').click();
  await check('the merged tree');
  for (const tab of ['history', 'config', 'compare', 'space', 'findings']) {
    await page.locator(`#tab-${tab}`).click();
    await expect(page.locator(`#tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
    await page.waitForTimeout(300);
    await check(`the ${tab} tab`);
  }
  expect([...missing].map(([f, where]) => `${f} (${where})`)).toEqual([]);
  // The check can fail: the page draws text, and in more than one face.
  expect((await facesShown(page)).length).toBeGreaterThan(2);
});
