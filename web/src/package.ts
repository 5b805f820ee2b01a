// The npm package's entry (`import 'layerscope'`, or one <script type="module">):
// registers <layer-scope> (element/layer-scope.ts) and nothing else; no page
// shell, no global styles. The worker (layerscope-worker.js) and the wasm
// (layerscope_core.wasm) are found next to this module, or where
// setAssetBase() says. Built by `vite build --mode lib` (web/pack.sh).
export { LayerScope } from './element/layer-scope';
export { setAssetBase } from './engine/spawn-module';
