// Unit test of the e2e's failure-tail reporter (make test-web-unit; Playwright runs only *.spec.ts).
import { describe, expect, it } from 'vitest';
import { failureLines, pageLines } from './failure-tail';

const context = [
  '# Error details',
  '```yaml',
  '- banner:',
  '  - text: layerscope',
  '- main:',
  '  - alert:',
  '    - heading "The file could not be read" [level=2]',
  '    - paragraph: "the archive changed on the server while it was being read"',
  '    - button "Try again"',
  '```',
].join('\n');

describe('failure tail', () => {
  it("keeps what the page said (alerts, headings, paragraphs), not its buttons", () => {
    expect(pageLines(context)).toEqual([
      '- alert:',
      '- heading "The file could not be read" [level=2]',
      '- paragraph: "the archive changed on the server while it was being read"',
    ]);
    expect(pageLines('no snapshot')).toEqual([]);
  });

  it('gives the test, its error without colours, code frames or stack, then the page', () => {
    const message = [
      '\x1b[31mError: expect(locator).toBeVisible() failed\x1b[39m',
      '',
      "Locator: locator('#archive-panel')",
      '  > 54 |   await expect(x)',
      '    55 |   next line',
      '    at expectSummary (/w/e2e/cross-origin.spec.ts:54:48)',
      'Expected: visible',
    ].join('\n');
    const lines = failureLines('e2e/x.spec.ts:9', 'a test', message, context);
    expect(lines.slice(0, 4)).toEqual([
      'FAILED e2e/x.spec.ts:9 › a test',
      '    Error: expect(locator).toBeVisible() failed',
      "    Locator: locator('#archive-panel')",
      '    Expected: visible',
    ]);
    expect(lines[4]).toBe('    the page:');
    expect(lines).toContain('      - paragraph: "the archive changed on the server while it was being read"');
  });

  it('keeps at most six lines of an error', () => {
    const lines = failureLines('w', 't', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'), '');
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('    line 5');
  });
});
