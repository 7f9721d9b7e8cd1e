/**
 * The consumer test: what users install is what we test. Packs every publishable package (each `packages/*` that is
 * not private), installs the tarballs with npm into a scratch application outside the workspace, imports every entry
 * point as ESM and as CJS, type-checks the application (strict, `module: nodenext`, `skipLibCheck: false`), runs
 * `scenario.mts` against the built code and every command the packages declare, and runs publint (`--strict`) and
 * Are the Types Wrong (profile `node16`: the `node10` resolution, which predates `exports`, is not checked) on
 * every tarball. Needs `pnpm build` first; `pnpm test` runs it after the build. Exits non-zero on any failure.
 */
import { type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PgTestSchemas, pgTestUrl } from '../../test-support/postgres.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const integration = join(root, 'examples/framework-integration');
const scratch = mkdtempSync(join(tmpdir(), 'safety-net-consumer-'));
const app = join(scratch, 'app');
const started = Date.now();

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  packageManager?: string;
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Packed {
  readonly manifest: Manifest;
  readonly tarball: string;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

/** Runs a command; on failure prints its output and throws. Returns stdout. */
function run(command: string, args: string[], options: SpawnSyncOptions & { what: string }): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.status !== 0) {
    process.stderr.write(`${String(r.stdout ?? '')}${String(r.stderr ?? '')}`);
    throw new Error(`${options.what} failed (exit ${r.status ?? r.signal ?? r.error?.message})`);
  }
  return String(r.stdout);
}

function step(what: string) {
  console.log(`consumer: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/** Packs every package that is not private, with pnpm so that `publishConfig`, `workspace:` and `catalog:` apply. */
function pack(): Packed[] {
  // The pnpm running `pnpm test` when there is one (npx takes seconds per start), else the pinned version.
  const running = process.env.npm_execpath;
  const [pnpm, ...pnpmArgs] = running?.includes('pnpm')
    ? [process.execPath, running]
    : ['npx', '-y', readJson(join(root, 'package.json')).packageManager ?? 'pnpm'];
  const tarballs = join(scratch, 'tarballs');
  const packed: Packed[] = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const path = join(root, 'packages', dir);
    let manifest: Manifest;
    try {
      manifest = readJson(join(path, 'package.json'));
    } catch {
      continue;
    }
    if (manifest.private) continue;
    const out = run(pnpm!, [...pnpmArgs, 'pack', '--json', '--pack-destination', tarballs], {
      cwd: path,
      what: `pnpm pack ${manifest.name}`,
    });
    const tarball = (JSON.parse(out) as { filename: string }).filename;
    const published = JSON.parse(
      run('tar', ['-xzOf', tarball, 'package/package.json'], { what: `reading ${tarball}` }),
    ) as Manifest;
    const text = JSON.stringify(published);
    for (const leak of ['"./src/', 'workspace:', 'catalog:']) {
      if (text.includes(leak)) throw new Error(`${manifest.name}: the published package.json contains ${leak}`);
    }
    packed.push({ manifest: published, tarball });
  }
  if (packed.length === 0) throw new Error('no publishable package found');
  return packed;
}

/** The import specifiers of every entry point a package exports (`./package.json` aside). */
function entryPoints({ manifest }: Packed): string[] {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

/** The versions the workspace resolved, so the application installs what the tests ran against. */
function workspaceVersion(name: string, from: string): string {
  // Read from the package folder that pnpm links: some packages (hono) do not export their package.json.
  return readJson(join(from, 'node_modules', name, 'package.json')).version;
}

function writeApp(packed: Packed[]) {
  const cascade = join(root, 'packages/cascade-prevention');
  const names = packed.map((p) => p.manifest.name);
  const dependencies = Object.fromEntries(packed.map((p) => [p.manifest.name, `file:${p.tarball}`]));
  writeJson(join(app, 'package.json'), {
    name: 'consumer-app',
    private: true,
    type: 'module',
    dependencies: {
      ...dependencies,
      'better-sqlite3': workspaceVersion('better-sqlite3', cascade),
      // What the framework-integration example uses beside our packages.
      hono: workspaceVersion('hono', root),
      '@hono/node-server': workspaceVersion('@hono/node-server', root),
      pg: workspaceVersion('pg', root),
    },
    devDependencies: {
      '@types/node': workspaceVersion('@types/node', root),
      '@types/pg': workspaceVersion('@types/pg', root),
      '@types/better-sqlite3': workspaceVersion('@types/better-sqlite3', root),
    },
    // Sibling packages depend on each other by version range; these tarballs are those versions.
    overrides: Object.fromEntries(names.map((name) => [name, `$${name}`])),
  });
  writeJson(join(app, 'tsconfig.json'), {
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2023'],
      types: ['node'],
      skipLibCheck: false,
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
    exclude: ['src/integration'],
  });
  // The integration example on its own, as strict, with the DOM library that Hono's types name (CloseEvent): the
  // main compile above keeps proving that our packages need no DOM types.
  writeJson(join(app, 'tsconfig.integration.json'), {
    extends: './tsconfig.json',
    compilerOptions: { lib: ['es2023', 'dom'] },
    include: ['src/integration'],
    exclude: [],
  });
  const entries = packed.flatMap(entryPoints);
  const check = (module: string) =>
    `if (Object.keys(${module}).length === 0) throw new Error('nothing exported by ' + ${JSON.stringify(module)});`;
  const esm = entries.map((e, i) => `import * as m${i} from '${e}';\n${check(`m${i}`)}`);
  const cjs = entries.map((e, i) => `import m${i} = require('${e}');\n${check(`m${i}`)}`);
  const done = (form: string) => `console.log('${form}: ${entries.length} entry points: ${entries.join(', ')}');\n`;
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'src/entries-esm.mts'), `${esm.join('\n')}\n${done('ESM')}`);
  writeFileSync(join(app, 'src/entries-cjs.cts'), `${cjs.join('\n')}\n${done('CJS')}`);
  copyFileSync(fileURLToPath(new URL('./scenario.mts', import.meta.url)), join(app, 'src/scenario.mts'));
  mkdirSync(join(app, 'src/integration'));
  for (const file of readdirSync(integration)) {
    if (file.endsWith('.mts')) copyFileSync(join(integration, file), join(app, 'src/integration', file));
  }
}

/**
 * Runs the framework-integration example against the installed packages, its PostgreSQL part on the test server in
 * a schema of its own (dropped afterwards). Without a server (never under CI=true) the example says that it skipped
 * that part.
 */
async function runIntegration() {
  const url = pgTestUrl();
  const schemas = url ? new PgTestSchemas(url) : undefined;
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (url && schemas) {
      const database = new URL(url);
      database.searchParams.set('options', `-c search_path=${await schemas.create()}`);
      env.DATABASE_URL = database.href;
    }
    const out = run(process.execPath, [join(app, 'dist/integration/integration.mjs')], {
      cwd: app,
      what: 'integration.mjs',
      env,
    });
    process.stdout.write(out);
  } finally {
    await schemas?.close();
  }
}

function writeJson(file: string, value: unknown) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Installs from the registry without install scripts, then copies in the native binding the workspace built for
 * the same better-sqlite3 version: compiling it again would take minutes and needs the Node headers from the network.
 */
function install() {
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: app,
    what: 'npm install',
  });
  const built = join(
    dirname(createRequire(join(root, 'packages/cascade-prevention/package.json')).resolve('better-sqlite3')),
    '../build/Release/better_sqlite3.node',
  );
  const target = join(app, 'node_modules/better-sqlite3/build/Release');
  mkdirSync(target, { recursive: true });
  copyFileSync(built, join(target, 'better_sqlite3.node'));
}

/** publint and attw on every tarball, in the background while the application installs (they wait on no network). */
async function lint(packed: Packed[]) {
  const tool = (name: string, args: string[], what: string) =>
    new Promise<void>((resolve, reject) => {
      let output = '';
      const child = spawn(join(root, 'node_modules/.bin', name), args, { cwd: scratch });
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) return resolve();
        process.stderr.write(output);
        reject(new Error(`${what} failed (exit ${code})`));
      });
    });
  for (const { manifest, tarball } of packed) {
    await tool('publint', ['run', '--strict', tarball], `publint ${manifest.name}`);
    await tool('attw', ['--profile', 'node16', '--format', 'ascii', tarball], `attw ${manifest.name}`);
  }
}

/** Every command a package declares starts from the tarball and answers with its usage (exit 0, or 2 for usage). */
function runCommands(packed: Packed[]) {
  for (const { manifest } of packed) {
    for (const command of Object.keys(manifest.bin ?? {})) {
      const r = spawnSync(join(app, 'node_modules/.bin', command), ['--help'], { cwd: app, encoding: 'utf8' });
      const output = `${r.stdout}${r.stderr}`;
      if (!(r.status === 0 || r.status === 2) || !/usage/i.test(output) || /\n\s+at /.test(output)) {
        process.stderr.write(output);
        throw new Error(`${command} --help failed (exit ${r.status})`);
      }
    }
  }
}

try {
  step('packing');
  const packed = pack();
  step(`packed ${packed.map((p) => p.manifest.name).join(', ')}; installing them into a scratch application`);
  const linted = lint(packed);
  linted.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
  writeApp(packed);
  install();
  step('type-checking the application (nodenext, skipLibCheck false)');
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { what: 'tsc' });
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.integration.json')], {
    what: 'tsc (integration example)',
  });
  step('importing every entry point and running the scenario');
  for (const file of ['entries-esm.mjs', 'entries-cjs.cjs', 'scenario.mjs']) {
    const out = run(process.execPath, [join(app, 'dist', file), scratch], { cwd: app, what: file });
    process.stdout.write(out);
  }
  step('running the framework-integration example');
  await runIntegration();
  runCommands(packed);
  step('publint --strict and attw');
  await linted;
  step('passed');
  rmSync(scratch, { recursive: true, force: true });
} catch (e) {
  console.error(`consumer: ${e instanceof Error ? e.message : String(e)}; the scratch application is in ${scratch}`);
  process.exitCode = 1;
}
