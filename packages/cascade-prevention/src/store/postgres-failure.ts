import type { StoreFailure } from '@safety-net/core/internal';
import { cpError } from '../errors.js';

/** Every database failure of the PostgreSQL rollback store is `ERR_CP_STORE_FAILED`, the driver's error its cause. */
export const cpStoreFailure: StoreFailure = (detail, options) => cpError('ERR_CP_STORE_FAILED', detail, options);
