export { TileLogClient, type TileLogClientOptions } from './client.js';
export { decodeEntryBundle, encodeEntryBundle } from './entry-bundle.js';
export { type LogHandlerOptions, logHandler } from './handler.js';
export { parseTilePath, TILE_WIDTH, type TileRef, tileIndexPath, tilePath, tileWidthAt } from './paths.js';
export {
  LOGGABLE_TYPES,
  type Registrar,
  type SignedMessageRegistrarOptions,
  signedMessageRegistrar,
} from './registrar.js';
