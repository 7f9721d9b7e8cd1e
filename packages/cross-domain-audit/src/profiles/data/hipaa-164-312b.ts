/** HIPAA Security Rule §164.312(b) audit controls (spec §4.2), version 1. The rule lists no fields. */
export default {
  id: 'hipaa-164-312b',
  ver: 1,
  title: 'HIPAA audit controls',
  source: '45 CFR §164.312(b); retention from §164.316(b)(2)(i)',
  requires: ['actor', 'action', 'outcome', 'time.start', 'reg.data_categories', 'reg.subjects'],
  requires_any: [['inp_hash', 'out_hash']],
  redact: ['reg.subjects', 'actor'],
  sensitive: ['reg.data_categories'],
  retention: { audit: { min_days: 2190, basis: 'profile' } },
  roles: {
    privacy_officer: { see: ['*', 'reg.data_categories'] },
    hipaa_auditor: { see: ['actor', 'action', 'outcome', 'time', 'reg.data_categories'] },
  },
} as const;
