import { type OptionChecks, optionChecks } from '@safety-net/core/internal';
import { cpError } from '../errors.js';

/**
 * The option checks of breakers, bulkheads, the detector and the rollback planner and coordinator, in core's one
 * style: each throws `ERR_CP_CONFIG_INVALID` naming the option. (Explicit types, so that `invalid` narrows.)
 */
const checks = optionChecks((detail) => cpError('ERR_CP_CONFIG_INVALID', detail));

export const invalid: OptionChecks['invalid'] = checks.invalid;
export const checkInt: OptionChecks['int'] = checks.int;
export const checkNumber: OptionChecks['number'] = checks.number;
export const checkName: OptionChecks['name'] = checks.name;
export const checkObject: OptionChecks['object'] = checks.object;
export const checkFunction: OptionChecks['fn'] = checks.fn;
