import { snError } from '../errors/index.js';
import { type OptionChecks, optionChecks } from './option-checks.js';

/** Option checks for which a bad option is `ERR_INPUT_INVALID`, naming it: core's, and any package's that use it. */
export const INPUT_OPTIONS: OptionChecks = optionChecks((detail) => snError('ERR_INPUT_INVALID', detail));

/** A safe integer option; see {@link OptionChecks.int}. */
export const checkInt: OptionChecks['int'] = INPUT_OPTIONS.int;
/** A finite number option; see {@link OptionChecks.number}. */
export const checkNumber: OptionChecks['number'] = INPUT_OPTIONS.number;
