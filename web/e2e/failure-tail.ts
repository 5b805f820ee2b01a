// A reporter that ends the run's output with each failed test's cause in a few
// lines: CI keeps only the tail of a long log, where the list reporter leaves
// the names of the failures but not what failed (a clean-clone CI run once
// reported "1 failed" in cross-origin.spec.ts and nothing more). For each: the
// test, its error's first lines, and what the page said then: the alerts and
// paragraphs of the page's snapshot (Playwright's error-context attachment).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*m/g;
const MAX_ERROR_LINES = 6;
const MAX_PAGE_LINES = 8;

/** The lines of a page snapshot that say what the page showed: alerts, headings, paragraphs, status (inline text is left out: it comes in fragments). */
export function pageLines(context: string): string[] {
  const yaml = /```yaml\n([\s\S]*?)```/.exec(context)?.[1] ?? '';
  return yaml
    .split('\n')
    .filter((l) => /^\s*- (alert|heading|paragraph|status)\b/.test(l))
    .map((l) => l.trim())
    .slice(0, MAX_PAGE_LINES);
}

/** A failure's few lines: where, which test, the error, the page. */
export function failureLines(where: string, title: string, message: string, context: string): string[] {
  const err = message
    .replace(ansi, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !/^\s*at /.test(l) && !/^\s*>?\s*\d+ \|/.test(l))
    .slice(0, MAX_ERROR_LINES);
  const page = pageLines(context);
  return [`FAILED ${where} › ${title}`, ...err.map((l) => `    ${l}`), ...(page.length ? ['    the page:', ...page.map((l) => `      ${l}`)] : [])];
}

export default class FailureTail implements Reporter {
  private readonly failed: string[][] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    // Playwright's own test of a failure: a test marked test.fail() that fails is as expected.
    if (result.status === test.expectedStatus) return;
    const where = `${relative(process.cwd(), test.location.file)}:${test.location.line}`;
    const message = result.errors.map((e) => e.message ?? e.value ?? '').join('\n') || result.status;
    let context = '';
    const a = result.attachments.find((x) => x.name === 'error-context');
    try {
      context = a?.path ? readFileSync(a.path, 'utf8') : (a?.body?.toString('utf8') ?? '');
    } catch {
      context = '';
    }
    this.failed.push(failureLines(where, test.title, message, context));
  }

  onEnd(_result: FullResult): void {
    if (this.failed.length === 0) return;
    console.log(`\nWhat failed (${this.failed.length}):`);
    for (const f of this.failed) console.log(f.join('\n'));
  }

  printsToStdio(): boolean {
    return true;
  }
}
