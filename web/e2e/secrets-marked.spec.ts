// Issue 9 in the page: the secret findings about the image's history, Env and
// Labels are marked where those are shown (History and Config tabs), masked,
// with a way to the Findings tab. The archive is written by Python's tarfile
// (tests/findings/findings_test.py --write), with fresh random secrets each run:
// a GitHub token in ENV, an AWS key id in a label, a password in a RUN step.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, openFile, repo, shot } from './util';

interface Made {
  secrets: Record<string, string>;
  run_step: string;
}

function make(): { path: string; made: Made } {
  const path = join(mkdtempSync(join(tmpdir(), 'ls-secrets-')), 'secrets.tar');
  const out = execFileSync('python3', [join(repo, 'tests/findings/findings_test.py'), '--write', path], { encoding: 'utf8' });
  return { path, made: JSON.parse(out) as Made };
}

test('History marks the step whose command holds a password, masked; Findings → opens the tab', async ({ page }) => {
  const { path, made } = make();
  await page.goto('./');
  await openFile(page, path);
  await page.locator('#tab-history').click();
  const steps = page.locator('#history > li');
  await expect(steps).toHaveCount(2);
  // Step 2 (the RUN with DB_PASSWORD=…) is marked, step 1 (COPY id_rsa) is not.
  const mark = steps.nth(1).locator('.secret');
  await expect(mark).toHaveCount(1);
  await expect(mark).toHaveAttribute('data-rule', 'secret-in-history');
  await expect(mark).toContainText('DB_PASSWORD=****');
  await expect(steps.nth(0).locator('.secret')).toHaveCount(0);
  const text = await page.locator('#history').innerText();
  // The command itself is shown as recorded (it is the image's own text); the mark never repeats the value.
  expect(await mark.innerText()).not.toContain(made.secrets.password);
  expect(text).toContain('DB_PASSWORD=');
  await shot(page, 'history-secret');
  await mark.locator('button').click();
  await expect(page.locator('#tab-findings')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#findings tbody tr[data-rule="secret-in-history"]')).toHaveCount(1);
});

test('Config lists the possible secrets of its Env and Labels, masked', async ({ page }) => {
  const { path, made } = make();
  await page.goto('./');
  await openFile(page, path);
  await page.locator('#tab-config').click();
  const box = page.locator('#config-secrets');
  await expect(box).toBeVisible();
  await expect(box.locator('li[data-rule="secret-in-env"]')).toHaveCount(1);
  await expect(box.locator('li[data-rule="secret-in-env"]')).toContainText('config.Env[1]');
  await expect(box.locator('li[data-rule="secret-in-env"]')).toContainText('GITHUB_TOKEN=****');
  await expect(box.locator('li[data-rule="secret-in-label"]')).toHaveCount(1);
  const boxText = await box.innerText();
  for (const v of [made.secrets.github, made.secrets.aws]) expect(boxText).not.toContain(v);
  await box.locator('button').click();
  await expect(page.locator('#tab-findings')).toHaveAttribute('aria-selected', 'true');
});

test('an image without secret findings shows no marks', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#tab-history').click();
  await expect(page.locator('#history > li').first()).toBeVisible();
  await expect(page.locator('#history .secret')).toHaveCount(0);
  await page.locator('#tab-config').click();
  await expect(page.locator('#config-secrets')).toHaveCount(0);
});
