import { main as ectOverHttp } from './ect-over-http/scenario.js';

// `pnpm demo`: every runnable scenario, in order.
await ectOverHttp();
