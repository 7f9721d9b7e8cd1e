import { type Vector, vectorText } from '../../packages/cli/src/index.js';
import { behavioralVerificationVectors } from './behavioral-verification.js';
import { behavioralVerificationMessageVectors } from './behavioral-verification-messages.js';
import { cascadePreventionMessageVectors } from './cascade-prevention-messages.js';
import { cborVectors } from './cbor.js';
import { coseSignVectors } from './cose-sign.js';
import { coseVerifyVectors } from './cose-verify.js';
import { dagVectors } from './dag.js';
import { ectCoseVectors } from './ect-cose.js';
import { ectJwsVectors } from './ect-jws.js';
import { ectSignVectors } from './ect-sign.js';

/** Every generated vector file: its path under spec-vectors/ and its exact text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** The vectors of every area, in a fixed order. Pure: the same files every time. */
export function generateVectors(): Vector[] {
  return [
    ...cborVectors(),
    ...coseSignVectors(),
    ...coseVerifyVectors(),
    ...ectSignVectors(),
    ...ectCoseVectors(),
    ...ectJwsVectors(),
    ...dagVectors(),
    ...behavioralVerificationMessageVectors(),
    ...cascadePreventionMessageVectors(),
  ];
}

/** The files to write; duplicate ids are a generator bug. */
export function generateVectorFiles(): GeneratedFile[] {
  const files = [
    ...generateVectors().map((v) => ({ path: `${v.package}/${v.id}.json`, text: vectorText(v) })),
    // The evaluation vectors are written by their own package's generator, with their own exact text.
    ...behavioralVerificationVectors().map((f) => ({ path: f.path.replace(/^spec-vectors\//, ''), text: f.json })),
  ];
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two vectors would be written to ${f.path}`);
    seen.add(f.path);
  }
  return files;
}
