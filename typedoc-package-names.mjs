// @ts-check
/**
 * A TypeDoc plugin that names each module of the API reference as users import it: the
 * entry point `src/index.ts` of a package after the package (`@pawl/core`), and
 * `src/<path>/index.ts` after the package's subpath export (`@pawl/core/testing`).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Converter, ReflectionKind } from 'typedoc';

/**
 * @param {string} directory
 * @returns {string | undefined}
 */
function packageDirectory(directory) {
  if (existsSync(join(directory, 'package.json'))) return directory;
  const parent = dirname(directory);
  return parent === directory ? undefined : packageDirectory(parent);
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile();
    const directory = file && packageDirectory(dirname(file.fileName));
    if (!file || !directory) return;
    const { name, exports = {} } = JSON.parse(
      readFileSync(join(directory, 'package.json'), 'utf8'),
    );
    const subpath = relative(join(directory, 'src'), dirname(file.fileName)).replaceAll('\\', '/');
    const exported = subpath === '' ? '.' : `./${subpath}`;
    if (!(exported in exports)) {
      app.logger.warn(`${file.fileName} is the source of no export of ${name}`);
      return;
    }
    reflection.name = subpath === '' ? name : `${name}/${subpath}`;
  });
}
