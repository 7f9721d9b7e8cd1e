import type { StoreFailure } from '@safety-net/core/internal';
import { ovError } from '../errors.js';

/** Every database failure of the PostgreSQL stores is `ERR_OV_STORE_FAILED`, the driver's error its cause. */
export const ovStoreFailure: StoreFailure = (detail, options) => ovError('ERR_OV_STORE_FAILED', detail, options);
