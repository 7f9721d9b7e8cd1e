/**
 * Browser weight (`bundle.ect`): what a web application that signs and verifies an ECT with the noble backend
 * downloads. esbuild, platform browser, minified, ESM with code splitting; the size counted is the entry chunk and
 * every chunk it imports statically (the chunks loaded for sign + verify), gzipped. Measured on the sources (the
 * `source` condition), which esbuild compiles as it would the published `dist/`.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The application: generate a key, sign an ECT, verify it, with the portable backend forced. */
const APP = `
import { ect, generateKey, newEctClaims, nobleBackend, publicKeyOf, setDefaultBackend } from '@safety-net/core';
setDefaultBackend(nobleBackend);
const key = generateKey('Ed25519');
const token = ect.sign(newEctClaims({ iss: 'a', aud: 'b', wid: 'w', exec_act: 'x' }), key);
console.log(ect.verify(token, { key: publicKeyOf(key), audience: 'b' }).ok);
`;

/** Bytes of one bundle, raw and gzipped (level 9). */
export interface BundleSize {
  readonly bytes: number;
  readonly gzip_bytes: number;
}

/** Bundles the sign + verify application and returns the size of what loads for it. */
export async function ectBundleSize(): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: APP, resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    minify: true,
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'error',
  });
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [f.path.slice(f.path.lastIndexOf('out/')), f.contents]));
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const i of outputs[path]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined)!);
  const chunks = [...loaded].map((path) => files.get(path)!);
  return {
    bytes: chunks.reduce((sum, c) => sum + c.length, 0),
    gzip_bytes: chunks.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0),
  };
}
