/** GDPR Art. 30(1) record of processing activities (spec §4.2), version 1. */
export default {
  id: 'gdpr-art30',
  ver: 1,
  title: 'GDPR record of processing activities',
  source: 'Regulation (EU) 2016/679 Art. 30(1) (a)-(g); Art. 5(1)(e) storage limitation',
  requires: [
    'reg.controller',
    'reg.purpose',
    'reg.legal_basis',
    'reg.data_categories',
    'reg.subjects',
    'reg.recipients',
    'reg.security',
    'reg.transfers',
  ],
  redact: ['reg.subjects'],
  retention: {
    processing: { min_days: 0, max_days: 1095, basis: 'profile' },
    audit: { min_days: 0, max_days: 1095, basis: 'profile' },
  },
  roles: {
    dpo: { see: ['*'] },
    supervisory_authority: { see: ['*'], except: ['reg.subjects'] },
    gdpr_auditor: { see: ['reg', 'action', 'outcome', 'time'], except: ['reg.subjects'] },
  },
} as const;
