/** DORA ICT risk management logging and Art. 17 incident records (spec §4.2), version 1. */
export default {
  id: 'dora-ict',
  ver: 1,
  title: 'DORA ICT risk and incident records',
  source: 'Regulation (EU) 2022/2554 Art. 12, Art. 17',
  requires: ['actor', 'action', 'outcome', 'time'],
  requires_when: [
    { if: 'outcome', equals: 'failed', require: ['reg.risk_events'] },
    { if: 'outcome', equals: 'aborted', require: ['reg.risk_events'] },
  ],
  redact: ['reg.subjects'],
  retention: { audit: { min_days: 1825, basis: 'profile' } },
  roles: {
    dora_supervisor: { see: ['*'], except: ['reg.subjects'] },
    ict_risk: { see: ['*'] },
  },
} as const;
