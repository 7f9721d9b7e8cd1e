/** Sarbanes-Oxley §404 internal control over financial reporting, §802 record keeping (spec §4.2), version 1. */
export default {
  id: 'sox-404',
  ver: 1,
  title: 'SOX internal control over financial reporting',
  source: 'Sarbanes-Oxley Act §404, §802; Regulation S-X Rule 2-06',
  requires: ['actor', 'action', 'outcome', 'time', 'refs', 'reg.purpose'],
  redact: ['reg.subjects'],
  retention: { audit: { min_days: 2555, basis: 'profile' } },
  roles: {
    sox_auditor: { see: ['*'], except: ['reg.subjects'] },
    internal_audit: { see: ['*'] },
  },
} as const;
