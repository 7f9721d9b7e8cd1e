export { OVERRIDE_PATH, type OverrideEndpointOptions, overrideEndpoint } from './handler.js';
