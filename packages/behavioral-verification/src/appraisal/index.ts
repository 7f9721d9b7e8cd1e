export { type Appraisal, type AppraisalReason, appraiseBet } from './appraise.js';
export { type AppraisalPolicy, DEFAULT_APPRAISAL_MAX_AGE_SECONDS } from './policy.js';
