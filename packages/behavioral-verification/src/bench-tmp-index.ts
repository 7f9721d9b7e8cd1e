export { compileProfile } from './monitor/compile.js';
export { Monitor } from './monitor/monitor.js';
export { Cusum } from './drift/cusum.js';
export { PageHinkley } from './drift/page-hinkley.js';
export { MixDivergence } from './drift/divergence.js';
