// @ts-check
/**
 * A TypeDoc plugin: files each top-level export of a package under a category named after the source folder that
 * declares it (`src/cbor/…` → "CBOR", `src/rollback/…` → "Rollback"), so that a package's page reads by concern
 * instead of as one flat list. An explicit `@category` tag wins. New packages and folders need nothing here.
 */
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** Folder names whose title is not just the name capitalised. */
const TITLES = {
  bet: 'Behavioral Evidence Tokens',
  cbor: 'CBOR',
  cose: 'COSE',
  dag: 'DAG',
  ect: 'ECT',
  util: 'Utilities',
};

/** @param {string | undefined} file */
function categoryOf(file) {
  const folder = file && /[/\\]src[/\\]([^/\\]+)[/\\]/.exec(file)?.[1];
  if (!folder) return 'General';
  return TITLES[/** @type {keyof typeof TITLES} */ (folder)] ?? folder[0].toUpperCase() + folder.slice(1);
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const reflection of Object.values(project.reflections)) {
      if (!reflection.isDeclaration() || reflection.kindOf(ReflectionKind.SomeModule)) continue;
      if (!reflection.parent?.kindOf(ReflectionKind.SomeModule | ReflectionKind.Project)) continue;
      if (reflection.comment?.getTag('@category')) continue;
      const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
      reflection.comment ??= new Comment();
      reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: categoryOf(file) }]));
    }
  });
}
