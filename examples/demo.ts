import { main as crossDomainAudit } from './cross-domain-audit/scenario.js';
import { main as ectOverHttp } from './ect-over-http/scenario.js';
import { main as hospitalDispensing } from './hospital-dispensing/scenario.js';
import { main as supplyChainRollback } from './supply-chain-rollback/scenario.js';
import { main as telecomStampede } from './telecom-stampede/main.js';
import { main as tradingDrift } from './trading-drift/scenario.js';

// `pnpm demo`: every runnable scenario, in order.
await ectOverHttp();
await tradingDrift();
await supplyChainRollback();
await telecomStampede();
await hospitalDispensing();
await crossDomainAudit();
