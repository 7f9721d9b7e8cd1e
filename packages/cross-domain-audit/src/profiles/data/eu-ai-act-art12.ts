/** EU AI Act Art. 12 automatic logging of high-risk AI systems, Art. 19 and 26(6) keeping (spec §4.2), version 1. */
export default {
  id: 'eu-ai-act-art12',
  ver: 1,
  title: 'EU AI Act record-keeping for high-risk AI systems',
  source: 'Regulation (EU) 2024/1689 Art. 12, Art. 19(1), Art. 26(6)',
  requires: ['actor', 'action', 'outcome', 'time.start', 'time.end', 'refs'],
  redact: ['reg.subjects'],
  retention: {
    operation: { min_days: 183, basis: 'law' },
    audit: { min_days: 183, basis: 'law' },
  },
  roles: {
    market_surveillance: { see: ['*'], except: ['reg.subjects'], kb: true },
    provider: { see: ['*'] },
    deployer: { see: ['*'] },
  },
} as const;
