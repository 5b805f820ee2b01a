// `#spawn-worker` is an alias of vite.config.ts: spawn-module.ts (normal build)
// or spawn-inline.ts (single-file build).
declare module '#spawn-worker' {
  export const spawnWorker: (name?: string) => Worker;
  export const SINGLE_FILE: boolean;
}
