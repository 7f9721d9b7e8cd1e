export {
  assertRequiredFields,
  missingFields,
  type Retention,
  redactedFields,
  retentionOf,
  roleMaySee,
  roleRequiresKeyBinding,
} from './check.js';
export { builtinProfiles, type HeldProfile, loadProfile, ProfileSet, profileDigest } from './registry.js';
export {
  FieldPathSchema,
  type ProfileRef,
  ProfileRefSchema,
  type RegulatoryProfile,
  RegulatoryProfileSchema,
} from './schema.js';
