/**
 * The public API of every published package, pinned: one API Extractor report per entry point of its `exports`
 * map (`packages/<name>/api/<entry>.api.md`), made from the built `.d.ts`. `pnpm api:check` (part of `pnpm test`)
 * fails when a report is missing or differs from the built code; `pnpm api:update` rewrites the reports, so that a
 * change of the public API shows up in review as a change of its report.
 *
 * Entry points are read from each package's `exports`, so a new package or subpath needs no configuration here.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, type ExtractorLogLevel } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');

interface PackageJson {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  publishConfig?: { exports?: Record<string, unknown> };
}

/** The first `.d.ts` path (ESM types) named anywhere in an export entry's conditions. */
function typesOf(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry.endsWith('.d.ts') ? entry : undefined;
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const value of Object.values(entry)) {
    const found = typesOf(value);
    if (found) return found;
  }
  return undefined;
}

/** `.` → `index`, `./sqlite` → `sqlite`: the report's file name. */
const reportName = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-'));

const NONE = 'none' as ExtractorLogLevel;
const WARNING = 'warning' as ExtractorLogLevel;

function report(dir: string, subpath: string, dts: string, temp: string): { changed: boolean; problems: number } {
  let problems = 0;
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: dir,
      newlineKind: 'lf',
      mainEntryPointFilePath: join(dir, dts),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023', 'DOM'],
            module: 'NodeNext',
            types: ['node'],
            strict: true,
          },
          files: [join(dir, dts)],
        },
      },
      apiReport: {
        enabled: true,
        reportFolder: join(dir, 'api'),
        reportTempFolder: temp,
        reportFileName: reportName(subpath),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: WARNING } },
        // Release tags (@public, @beta) are not how this project marks stability: subpaths are (see VERSIONING).
        extractorMessageReporting: {
          default: { logLevel: WARNING, addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: NONE, addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: NONE } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(dir, 'package.json'),
  });
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      if (message.logLevel === 'error') problems++;
      message.handled = message.logLevel !== 'error';
    },
  });
  return { changed: result.apiReportChanged, problems: problems + result.errorCount };
}

const temp = mkdtempSync(join(tmpdir(), 'api-report-'));
let failed = 0;
try {
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageJson;
    if (manifest.private) continue;
    const exportsMap = manifest.publishConfig?.exports ?? manifest.exports ?? {};
    for (const [subpath, entry] of Object.entries(exportsMap)) {
      const dts = typesOf(entry);
      if (!dts) continue;
      if (!existsSync(join(dir, dts))) {
        console.error(`${manifest.name} ${subpath}: ${dts} is missing; run pnpm build first`);
        failed++;
        continue;
      }
      if (update) mkdirSync(join(dir, 'api'), { recursive: true });
      const { changed, problems } = report(dir, subpath, dts, temp);
      const label = `${manifest.name}${subpath === '.' ? '' : subpath.slice(1)}`;
      if (problems > 0) {
        console.error(`${label}: API Extractor reported ${problems} error(s)`);
        failed++;
      } else if (changed && !update) {
        console.error(`${label}: the public API differs from api/${reportName(subpath)}.api.md (pnpm api:update)`);
        failed++;
      } else {
        console.log(`${label}: ${changed ? 'report updated' : 'unchanged'}`);
      }
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`${failed} API report problem(s)`);
  process.exit(1);
}
