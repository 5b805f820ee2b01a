// `make bench`, the browser half: the real page (web/dist) and its worker in
// headless Chromium, and the peers in the same Chromium on the same File
// (peers.js: hash-wasm, WebCrypto, DecompressionStream, libarchive.js), run
// alternately BENCH_RUNS times; medians. tests/bench/bench.py writes the plan
// (archives, their layer blobs, the file to read through the biggest
// compressed layer), runs this, and merges the rows it writes into its table.
//
// Per archive, ours:
//   summary   the file input's change event -> the summary panel, measured in the
//             page, BENCH_IDLE_MS (2000) after the page loaded: the page starts the
//             first worker (wasm compiled, open path warmed up) while the user picks
//   index     change event -> every layer indexed (data-indexed="true")
//   merged    the merged tree of the top layer shown (the clicks below are timed in the
//             page: timedClick)
//   read      through the biggest compressed layer (engine.readAll of its last file:
//             one inflate from the layer's start; the index is done already)
//   verify    Verify digests clicked -> the verify table's verdict
//   space, compare  the Space tab's figures; a second archive picked in the Compare
//             tab (change event) -> opened -> compared
//   save      (the archive that is verified) the export dialog: oci-archive with gzip
//             layers, Write clicked -> written into the page's storage (as
//             `layerscope save --format oci --compress gzip`; the output discarded)
//   memory    peak RSS of the renderer processes (page + its workers) sampled every
//             50 ms from /proc over the whole run, its growth over the idle page, the
//             wasm instance's memory (data-wasm-bytes) and the page's JS heap (CDP)
//   longest main-thread task (PerformanceObserver 'longtask') while opening, where
//             it fell and what ran in it (the long animation frame holding it: its
//             scripts and style and layout), and how many of the opens had one.
import { test, type Browser, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer, tmp, web } from '../e2e/util';

interface Layer {
  offset: number;
  size: number;
}
interface PlanArchive {
  path: string;
  label: string;
  size: number;
  /** 'none' | 'gzip' | 'zstd' | 'whole' (compressed as a whole) */
  compression: string;
  layers: Layer[];
  verify: boolean;
  /** The last regular file of the biggest layer and that layer's blob, when compressed. */
  big?: { layer: number; path: string; size: number; offset: number; blobSize: number; raw: number };
  /** Another archive of the same image set: the Compare tab compares this one's image with its (issue 9). */
  compareWith?: string;
}
interface Plan {
  runs: number;
  out: string;
  archives: PlanArchive[];
}

const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 2000);
const plan = JSON.parse(readFileSync(process.env.BENCH_PLAN ?? '', 'utf8')) as Plan;

/** BENCH_TRACE=1: each open (change event -> indexed) is traced with Chromium's
 *  tracing, and the longest main-thread task's row says what filled it (traceLongest);
 *  the traces are kept in test-results/bench-traces/ (ARCHIVE-N.json).
 *  Off by default: tracing costs the page time of its own. */
const TRACE = process.env.BENCH_TRACE === '1';
/** BENCH_PEERS=0: ours only (a probe of the page's own figures; no ratio rows). */
const PEERS = process.env.BENCH_PEERS !== '0';

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { type?: string } };
}

/**
 * The longest task on the page's main thread (CrRendererMain) in a Chromium trace,
 * and what filled it: its wall and thread (CPU) time — a task whose CPU time is far
 * below its wall time waited for a core — and the trace events' self time within it
 * by name (V8.GC*, FunctionCall, v8.deserialize..., UpdateLayoutTree, Layout, ...),
 * e.g. "+562 ms: task 66 ms, CPU 24 ms; FunctionCall 12 ms, MajorGC 9 ms, ..." (from
 * the change event's dispatch). Empty: no task in the trace.
 */
function traceLongest(events: TraceEvent[]): string {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const on = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!mains.has(k)) continue;
    (on.get(k) ?? on.set(k, []).get(k)!).push(e);
  }
  // the page's main thread: the one with the most work
  let thread: TraceEvent[] = [];
  for (const xs of on.values()) if (xs.reduce((n, e) => n + e.dur!, 0) > thread.reduce((n, e) => n + e.dur!, 0)) thread = xs;
  const tasks = thread.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  if (!tasks.length) return '';
  const task = tasks.reduce((a, e) => (e.dur! > a.dur! ? e : a));
  // when: from the file input's change event (its dispatch on this thread)
  const change = thread.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'change');
  const end = task.ts + task.dur!;
  const inner = thread
    .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= end)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // self time: an event's duration less its children's (events nest on one thread)
  const self = new Map<string, number>();
  const stack: { e: TraceEvent; child: number }[] = [];
  const close = (upTo: number) => {
    while (stack.length && stack[stack.length - 1].e.ts + stack[stack.length - 1].e.dur! <= upTo) {
      const { e, child } = stack.pop()!;
      self.set(e.name, (self.get(e.name) ?? 0) + e.dur! - child);
      if (stack.length) stack[stack.length - 1].child += e.dur!;
    }
  };
  let top = 0;
  for (const e of inner) {
    close(e.ts);
    if (!stack.length) top += e.dur!;
    stack.push({ e, child: 0 });
  }
  close(Infinity);
  self.set('(task itself)', task.dur! - top);
  const ms = (us: number) => Math.round(us / 1000);
  const parts = [...self].filter(([, us]) => us >= 1000).sort((a, b) => b[1] - a[1]).slice(0, 8);
  const cpu = task.tdur !== undefined ? `, CPU ${ms(task.tdur)} ms` : '';
  const at = change ? `${task.ts < change.ts ? '-' : '+'}${ms(Math.abs(task.ts - change.ts))} ms: ` : '';
  return `${at}task ${ms(task.dur!)} ms${cpu}; ${parts.map(([n, us]) => `${n} ${ms(us)} ms`).join(', ')}`;
}

const TRACE_DIR = resolve(web, '../test-results/bench-traces');
let traced = 0;
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.gc', 'blink', 'ipc'];

/** Sum of VmRSS (KiB) of chromium's renderer processes (this run's only pages and workers). */
function rendererRssKib(): number {
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !/chrom/.test(cmd)) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sum += Number(m[1]);
    } catch {
      /* gone meanwhile */
    }
  }
  return sum;
}

function sampler() {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, rendererRssKib())), 50);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, rendererRssKib());
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

/** What armWatch recorded (page times in ms). */
interface Watched {
  t0: number;
  summary: number;
  indexed: number;
  longest: number;
  longestAt: number;
  longTasks: number;
  /** long animation frames (over 50 ms) between the change event and the index's end */
  frames: { at: number; dur: number; style: number; scripts: string[] }[];
}

/** Where the longest task fell and the long animation frame that held it, e.g.
 *  "+247 ms, in a 124 ms frame: Worker.onmessage 91 ms, style and layout 22 ms"
 *  (empty: no long task). */
function longestWhere(b: Watched): string {
  if (!b.longest) return '';
  const off = Math.round(b.longestAt - b.t0);
  // a task can begin before the change event's handler ran (the event's own task)
  const at = `${off < 0 ? '-' : '+'}${Math.abs(off)} ms`;
  const f = b.frames.find((x) => x.at <= b.longestAt + 1 && b.longestAt < x.at + x.dur);
  if (!f) return `${at}: no long animation frame holds it`;
  const parts = [...f.scripts];
  if (f.style >= 1) parts.push(`style and layout ${Math.round(f.style)} ms`);
  return `${at}, in a ${Math.round(f.dur)} ms frame: ${parts.join(', ') || 'no script'}`;
}

/** Installs the page-side watch: the change event's time (captured before the app's
 *  own listener), the summary panel's and the indexed panel's, long tasks. */
async function armWatch(page: Page) {
  await page.evaluate(() => {
    type Frame = { at: number; dur: number; style: number; scripts: string[] };
    type Bench = { t0: number; summary: number; indexed: number; longest: number; longestAt: number; longTasks: number; frames: Frame[] };
    // `root` and every shadow root under it, in document order
    const shadowRoots = (root: Document | ShadowRoot, out: (Document | ShadowRoot)[] = []): (Document | ShadowRoot)[] => {
      out.push(root);
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) shadowRoots(el.shadowRoot, out);
      return out;
    };
    const deep = (root: Document | ShadowRoot, sel: string): Element | null => {
      for (const r of shadowRoots(root)) {
        const hit = r.querySelector(sel);
        if (hit) return hit;
      }
      return null;
    };
    const b: Bench = { t0: 0, summary: 0, indexed: 0, longest: 0, longestAt: 0, longTasks: 0, frames: [] };
    // the page's elements live in shadow roots; later evaluates find them through this
    Object.assign(window, { __bench: b, __benchDeep: deep, __benchRoots: shadowRoots });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        if (!b.t0 || b.indexed) continue;
        if (e.duration > b.longest) {
          b.longest = e.duration;
          b.longestAt = e.startTime;
        }
        b.longTasks++;
      }
    }).observe({ type: 'longtask' });
    // Which work a long task was: the long animation frame holding it, with its
    // scripts (what called them, how long each ran) and its style and layout.
    // Chromium >= 123; elsewhere the row says it has no attribution.
    type Loaf = PerformanceEntry & {
      renderStart: number;
      styleAndLayoutStart: number;
      scripts: { invoker: string; duration: number; sourceFunctionName: string }[];
    };
    if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
      new PerformanceObserver((l) => {
        for (const e of l.getEntries() as Loaf[]) {
          if (!b.t0 || b.indexed) continue;
          const end = e.startTime + e.duration;
          b.frames.push({
            at: e.startTime,
            dur: e.duration,
            style: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
            scripts: e.scripts
              .filter((x) => x.duration >= 1)
              .map((x) => `${x.invoker}${x.sourceFunctionName ? ` (${x.sourceFunctionName})` : ''} ${Math.round(x.duration)} ms`),
          });
        }
      }).observe({ type: 'long-animation-frame' });
    }
    const input = deep(document, '#file') as HTMLInputElement;
    let panel: Element | null = null;
    const poll = () => {
      if (!panel || !panel.isConnected) panel = deep(document, '#archive-panel');
      if (panel && !b.summary && panel.hasAttribute('data-summary-ms')) b.summary = performance.now();
      if (panel && panel.getAttribute('data-indexed') === 'true') {
        b.indexed = performance.now();
        return;
      }
      setTimeout(poll, 4);
    };
    (input.getRootNode() as ShadowRoot).addEventListener(
      'change',
      (e) => {
        if (e.target !== input || b.t0) return;
        b.t0 = performance.now();
        // the first look in a task of its own: its shadow walk must not lengthen
        // the change event's task, the one being measured
        setTimeout(poll, 0);
      },
      { capture: true },
    );
  });
}

/** What the page's window holds for the bench: the shadow-piercing query
 *  (installed with the page), the picked comparison's change time. */
interface BenchWindow {
  __benchDeep: (root: Document | ShadowRoot, sel: string) => Element | null;
  __benchRoots: (root: Document | ShadowRoot) => (Document | ShadowRoot)[];
  __compareT0: number;
}

/** Milliseconds from clicking `click` until `done` is in the page (with `text` in
 *  it, when given), both found through the shadow roots and timed in the page
 *  (a 4 ms poll): Playwright's own waits poll every 500 ms once a wait is long,
 *  which added up to half a second to a row (a 1.37 s verify came out 1.37 or
 *  1.87 s). A poll asks each shadow root known for `done`, and gathers the
 *  roots again only after the DOM changed (a MutationObserver on each): walking
 *  every element of the page at each poll, as it did, took 0.15 s of the main
 *  thread during a 2 s verify, a core the page's workers wanted. */
async function timedClick(page: Page, click: string, done: string, text = '', timeoutMs = 60 * 60_000): Promise<number> {
  return page.evaluate(
    async ([click, done, text, timeoutMs]) => {
      const w = window as unknown as BenchWindow;
      const el = w.__benchDeep(document, click) as HTMLElement | null;
      if (!el) throw new Error(`nothing to click: ${click}`);
      let changed = true;
      const watch = new MutationObserver(() => (changed = true));
      let roots: (Document | ShadowRoot)[] = [];
      const t = performance.now();
      el.click();
      try {
        for (;;) {
          if (changed) {
            changed = false;
            watch.disconnect();
            roots = w.__benchRoots(document);
            for (const r of roots) watch.observe(r, { childList: true, subtree: true });
          }
          let hit: Element | null = null;
          for (const r of roots) if ((hit = r.querySelector(done))) break;
          if (hit && (!text || (hit.textContent ?? '').includes(text))) return performance.now() - t;
          if (performance.now() - t > timeoutMs) throw new Error(`${done} did not appear within ${timeoutMs} ms of clicking ${click}`);
          await new Promise((r) => setTimeout(r, 4));
        }
      } finally {
        watch.disconnect();
      }
    },
    [click, done, text, timeoutMs] as const,
  );
}

interface OursRun {
  summary_ms: number;
  index_ms: number;
  merged_ms: number;
  /** typing "lib" in the merged tree's filter -> the frame that shows its matches */
  filter_ms: number;
  read_ms?: number;
  verify_ms?: number;
  /** the worker's own figures: wasm load+compile, the summary open inside the worker */
  load_ms: number;
  summary_in_worker_ms: number;
  summary_bytes: number;
  bytes_read: number;
  wasm_bytes: number;
  js_heap_bytes: number;
  rss_peak_kib: number;
  rss_growth_kib: number;
  longest_task_ms: number;
  /** where the longest task fell and what ran in it (longestWhere) */
  longest_task_where: string;
  long_tasks: number;
  /** BENCH_TRACE=1: the traced longest main-thread task and what filled it (traceLongest) */
  longest_task_trace?: string;
  /** the Space tab: click -> its figures shown */
  space_ms?: number;
  /** the Compare tab: the other archive picked -> opened in this archive's worker (its whole index) */
  compare_open_ms?: number;
  /** ... -> the image comparison shown (compare_open_ms included) */
  compare_ms?: number;
  /** the comparison's counts as the page shows them ("+909 added ~16 modified −1984 deleted") */
  compare_summary?: string;
  /** renderer peak while comparing (both archives open in one worker) */
  compare_rss_peak_kib?: number;
  /** the export dialog's Write (oci-archive, gzip layers) -> written; its size */
  save_ms?: number;
  save_bytes?: number;
  /** renderer peak while saving (the export's own worker included) */
  save_rss_peak_kib?: number;
}

async function ours(browser: Browser, a: PlanArchive): Promise<OursRun> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: test.info().project.use.baseURL });
  const page = await ctx.newPage();
  try {
    await page.goto('./');
    await page.locator('#file').waitFor({ state: 'attached' });
    // A user clicks Open and takes seconds to pick a file; the page starts its
    // workers meanwhile (prewarmWorker: the archive's at load, its first index
    // helper's with the chooser). BENCH_IDLE_MS=0 measures a file chosen at once.
    const chooser = page.waitForEvent('filechooser');
    await page.locator('#open').click();
    const picker = await chooser;
    await page.waitForTimeout(IDLE_MS);
    const idle = rendererRssKib();
    const mem = sampler();
    await armWatch(page);
    if (TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await picker.setFiles(a.path);
    // Waited for in the page, by a plain evaluate: Playwright's waitForFunction
    // evaluates its injected script (330 KB) in the page on first use, a main-thread
    // task of 36-94 ms (traced: EvaluateScript of a DevTools message) that fell
    // 60-150 ms after the change event, in the open being measured.
    await page.evaluate(
      (timeoutMs) =>
        new Promise<void>((done, fail) => {
          const t = performance.now();
          const check = () => {
            if ((window as unknown as { __bench: { indexed: number } }).__bench.indexed > 0) done();
            else if (performance.now() - t > timeoutMs) fail(new Error(`not indexed within ${timeoutMs} ms`));
            else setTimeout(check, 100);
          };
          check();
        }),
      60 * 60_000,
    );
    let trace: string | undefined;
    if (TRACE) {
      const raw = await browser.stopTracing();
      // kept for Chromium's Performance panel (Load profile) or a closer look
      mkdirSync(TRACE_DIR, { recursive: true });
      writeFileSync(resolve(TRACE_DIR, `${a.label}-${++traced}.json`), raw);
      trace = traceLongest((JSON.parse(raw.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents);
    }
    const b = await page.evaluate(() => (window as unknown as { __bench: Watched }).__bench);
    const panel = page.locator('#archive-panel');
    const attr = async (n: string) => Number(await panel.getAttribute(n));
    const run: OursRun = {
      summary_ms: b.summary - b.t0,
      index_ms: b.indexed - b.t0,
      merged_ms: 0,
      filter_ms: 0,
      load_ms: await attr('data-load-ms'),
      summary_in_worker_ms: await attr('data-summary-ms'),
      summary_bytes: await attr('data-summary-bytes'),
      bytes_read: await attr('data-bytes-read'),
      wasm_bytes: await attr('data-wasm-bytes'),
      js_heap_bytes: 0,
      rss_peak_kib: 0,
      rss_growth_kib: 0,
      longest_task_ms: b.longest,
      longest_task_where: longestWhere(b),
      long_tasks: b.longTasks,
      ...(trace !== undefined ? { longest_task_trace: trace } : {}),
    };
    run.merged_ms = await timedClick(page, '#view-merged', '#tree-info', 'paths');
    run.filter_ms = await page.evaluate(async () => {
      const deep = (window as unknown as BenchWindow).__benchDeep;
      const input = deep(document, '#filter') as HTMLInputElement;
      const t = performance.now();
      input.value = 'lib';
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        if ((deep(document, '#tree-info')?.textContent ?? '').includes('match')) return performance.now() - t;
        if (performance.now() - t > 60_000) throw new Error('the filter showed no matches in 60 s');
      }
    });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    run.js_heap_bytes = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    if (a.big) {
      const r = await page.evaluate(async (big) => {
        const app = document.querySelector('layer-scope-app') as unknown as {
          current: { engine: { readAll(i: number, l: number, p: string, s: number): Promise<Uint8Array[]> } };
        };
        const t = performance.now();
        const parts = await app.current.engine.readAll(0, big.layer, big.path, big.size);
        return { ms: performance.now() - t, bytes: parts.reduce((n, p) => n + p.length, 0) };
      }, a.big);
      if (r.bytes !== a.big.size) throw new Error(`read ${r.bytes} bytes of ${a.big.path}, expected ${a.big.size}`);
      run.read_ms = r.ms;
    }
    if (a.verify) {
      run.verify_ms = await timedClick(page, '#verify', '#verify-result[data-ok]');
      const bad = Number(await page.locator('#verify-result').getAttribute('data-bad'));
      if (bad) throw new Error(`verify found ${bad} mismatches in ${a.path}`);
    }
    run.rss_peak_kib = mem.stop();
    run.rss_growth_kib = run.rss_peak_kib - idle;
    if (a.verify) {
      await page.locator('#export-open').click();
      await page.locator('#export-format').selectOption('oci');
      await page.locator('#export-compress').selectOption('gzip');
      const smem = sampler();
      run.save_ms = await timedClick(page, '#export-start', '#export-result[data-status="done"], #export-result[data-status="error"]');
      if ((await page.locator('#export-result').getAttribute('data-status')) !== 'done')
        throw new Error(`the page's save failed: ${await page.locator('#export-result').textContent()}`);
      run.save_rss_peak_kib = smem.stop();
      run.save_bytes = Number(await page.locator('#export-result').getAttribute('data-bytes'));
      await page.locator('#export-discard').click();
      await page.locator('#export-dialog .close').click();
    }
    if (a.compareWith) {
      run.space_ms = await timedClick(page, '#tab-space', '#space-summary');
      const cmem = sampler();
      await page.locator('#tab-compare').click();
      // Timed in the page from the picked file's change event (as the main file's open is).
      await page.evaluate(() => {
        const w = window as unknown as BenchWindow;
        const input = w.__benchDeep(document, '#compare-file') as HTMLInputElement;
        w.__compareT0 = 0;
        // (the first change of that input only: another input's change in that shadow root is not it)
        (input.getRootNode() as ShadowRoot).addEventListener('change', (e) => e.target === input && !w.__compareT0 && (w.__compareT0 = performance.now()), { capture: true });
      });
      await page.locator('#compare-file').setInputFiles(a.compareWith);
      // The picked archive is selected and opening (its progress replaces the Compare button) …
      await page.waitForFunction(() => {
        const deep = (window as unknown as BenchWindow).__benchDeep;
        return (deep(document, '#compare-with') as HTMLSelectElement | null)?.value.startsWith('file:') && !deep(document, '#compare');
      }, null, { polling: 'raf' });
      // … until it is indexed.
      run.compare_open_ms = await page.evaluate(async (timeoutMs) => {
        const w = window as unknown as BenchWindow;
        if (!w.__compareT0) throw new Error('the picked archive raised no change event');
        while (!w.__benchDeep(document, '#compare')) {
          const failed = w.__benchDeep(document, '#compare-error');
          if (failed) throw new Error(`the picked archive did not open: ${failed.textContent ?? ''}`);
          if (performance.now() - w.__compareT0 > timeoutMs) throw new Error(`the picked archive was not indexed within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 4));
        }
        return performance.now() - w.__compareT0;
      }, 60 * 60_000);
      run.compare_ms = run.compare_open_ms + (await timedClick(page, '#compare', '#compare-summary, #compare-error'));
      if (await page.locator('#compare-error').count()) throw new Error(`the comparison failed: ${await page.locator('#compare-error').textContent()}`);
      run.compare_summary = ((await page.locator('#compare-summary').textContent()) ?? '').replace(/\s+/g, ' ').trim();
      run.compare_rss_peak_kib = cmem.stop();
    }
    return run;
  } finally {
    await ctx.close();
  }
}

interface PeersRun {
  read_ms?: number;
  libarchive_ms?: number;
  libarchive_entries?: number;
  libarchive_error?: string;
  hashwasm_ms?: number;
  webcrypto_ms?: number;
  webcrypto_error?: string;
  inflate_ms?: number;
  inflate_unsupported?: boolean;
  /** Only reading the biggest compressed layer's blob (no decoding). */
  blob_read_ms?: number;
}

async function peers(browser: Browser, url: string, a: PlanArchive): Promise<PeersRun> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const out: PeersRun = {};
  try {
    await page.goto(url + 'peers.html');
    await page.locator('#ready').filter({ hasText: 'ready' }).waitFor();
    await page.locator('#f').setInputFiles(a.path);
    type W = { peers: Record<string, (...args: unknown[]) => Promise<Record<string, unknown>>> };
    const call = (name: string, ...args: unknown[]) =>
      page.evaluate(([n, xs]) => (window as unknown as W).peers[n as string](...(xs as unknown[])), [name, args] as const);
    out.read_ms = (await call('readAll')).ms as number;
    if (a.compression !== 'whole') {
      try {
        const r = await call('libarchiveList', a.layers);
        // A layer it cannot decode lists as empty (its wasm build has no zstd): no figure then.
        const empty = a.layers.findIndex((l, k) => l.size > 10_240 && (r.perBlob as number[])[k + 1] === 0);
        if (empty >= 0) out.libarchive_error = `listed no entry of layer ${empty} (${a.layers[empty].size} bytes, ${a.compression}): it cannot read that layer`;
        else out.libarchive_ms = r.ms as number;
        out.libarchive_entries = r.entries as number;
      } catch (e) {
        out.libarchive_error = String(e).slice(0, 200);
      }
    }
    if (a.verify) {
      out.hashwasm_ms = (await call('hashWasm')).ms as number;
      try {
        out.webcrypto_ms = (await call('webCrypto')).ms as number;
      } catch (e) {
        out.webcrypto_error = String(e).slice(0, 200);
      }
    }
    if (a.big) {
      const raw = await call('readRange', a.big.offset, a.big.blobSize);
      if (raw.bytes !== a.big.blobSize) throw new Error(`read ${raw.bytes} bytes of the blob, it has ${a.big.blobSize}`);
      out.blob_read_ms = raw.ms as number;
      const r = await call('inflate', a.big.offset, a.big.blobSize, a.compression);
      if (r.unsupported) out.inflate_unsupported = true;
      else {
        if (r.bytes !== a.big.raw) throw new Error(`DecompressionStream gave ${r.bytes} bytes, the blob holds ${a.big.raw}`);
        out.inflate_ms = r.ms as number;
      }
    }
    return out;
  } finally {
    await ctx.close();
  }
}

/** The peers' page and their npm files, staged under one directory for serve.mjs. */
function stagePeers(): string {
  const dir = resolve(tmp, 'bench-peers');
  mkdirSync(resolve(dir, 'hash-wasm'), { recursive: true });
  mkdirSync(resolve(dir, 'libarchive'), { recursive: true });
  const nm = resolve(web, 'node_modules');
  copyFileSync(resolve(web, 'bench/peers.html'), resolve(dir, 'peers.html'));
  copyFileSync(resolve(web, 'bench/peers.js'), resolve(dir, 'peers.js'));
  copyFileSync(resolve(nm, 'hash-wasm/dist/index.esm.js'), resolve(dir, 'hash-wasm/index.esm.js'));
  for (const f of ['libarchive.js', 'worker-bundle.js', 'libarchive.wasm']) copyFileSync(resolve(nm, 'libarchive.js/dist', f), resolve(dir, 'libarchive', f));
  return dir;
}

test('layerscope in Chromium against its peers in the same Chromium', async ({ browser }) => {
  const server = await startServer(['--dir', stagePeers()]);
  const results: { archive: PlanArchive; chromium: string; ours: OursRun[]; peers: PeersRun[] }[] = [];
  try {
    for (const a of plan.archives) {
      const r = { archive: a, chromium: browser.version(), ours: [] as OursRun[], peers: [] as PeersRun[] };
      for (let k = 0; k < plan.runs; k++) {
        r.ours.push(await ours(browser, a));
        if (PEERS) r.peers.push(await peers(browser, server.url, a));
        const o = r.ours.at(-1)!;
        console.log(
          `  ${a.label}: summary ${o.summary_ms.toFixed(0)} ms, index ${o.index_ms.toFixed(0)} ms, wasm ${(o.wasm_bytes / 2 ** 20).toFixed(0)} MiB, ` +
            `renderer peak ${(o.rss_peak_kib / 1024).toFixed(0)} MiB; peers ${JSON.stringify(r.peers.at(-1))}`,
        );
      }
      results.push(r);
    }
  } finally {
    server.proc.kill();
  }
  const med = <T>(xs: T[], f: (x: T) => number | undefined) => {
    const v = xs.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return v.length ? median(v) : undefined;
  };
  const summary = results.map(({ archive, chromium, ours: o, peers: p }) => ({
    archive: archive.path,
    label: archive.label,
    size: archive.size,
    chromium,
    runs: o.length,
    ours: Object.fromEntries([
      ...Object.keys(o[0])
        .filter((k) => k !== 'longest_task_where' && k !== 'longest_task_trace')
        .map((k) => [
          k,
          typeof o[0][k as keyof OursRun] === 'string'
            ? o[0][k as keyof OursRun]
            : /rss|bytes$|^longest/.test(k)
              ? Math.max(...o.map((x) => Number(x[k as keyof OursRun] ?? 0)))
              : med(o, (x) => x[k as keyof OursRun] as number),
        ]),
      // the longest task's attribution is the run's that had it; how many opens had one
      ['longest_task_where', o.reduce((a, x) => (x.longest_task_ms > a.longest_task_ms ? x : a)).longest_task_where],
      ...(TRACE ? [['longest_task_traces', o.map((x) => x.longest_task_trace ?? '')]] : []),
      ['opens_with_long_task', o.filter((x) => x.long_tasks > 0).length],
    ]),
    peers: {
      read_ms: med(p, (x) => x.read_ms),
      libarchive_ms: med(p, (x) => x.libarchive_ms),
      libarchive_entries: p[0]?.libarchive_entries,
      libarchive_error: p.find((x) => x.libarchive_error)?.libarchive_error,
      hashwasm_ms: med(p, (x) => x.hashwasm_ms),
      webcrypto_ms: med(p, (x) => x.webcrypto_ms),
      webcrypto_error: p.find((x) => x.webcrypto_error)?.webcrypto_error,
      inflate_ms: med(p, (x) => x.inflate_ms),
      inflate_unsupported: p.some((x) => x.inflate_unsupported) || undefined,
      blob_read_ms: med(p, (x) => x.blob_read_ms),
    },
  }));
  writeFileSync(plan.out, JSON.stringify(summary, null, 2) + '\n');
});
