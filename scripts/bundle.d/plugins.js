// esbuild plugins of the single-file build (scripts/bundle.js). Each one makes a run-time file lookup of
// the normal build work from one file that sits alone on a server:
//   - srcEntry: bin/fwtrace.js imports ../dist/cli/main.js; the bundle takes src/cli/main.ts instead, so it
//     never picks up a stale dist/.
//   - packageJson: src/cli/main.ts reads ../../package.json at run time (createRequire); inline its version.
//   - blessedWidgets: blessed's widget.js loads its widgets with require('./widgets/' + file), which esbuild
//     turns into a glob whose keys carry the .js extension the call lacks: make the requires static.
//   - blessedData: blessed's tput.js falls back to terminfo/termcap files under node_modules/blessed/usr/
//     (`__dirname + '/../usr/…'`) when the system's terminfo is missing or does not compile. Embed those
//     files and let tput.js read them from a virtual directory.
// A textual patch that no longer finds its anchor fails the build (a new blessed or a changed main.ts must
// be looked at, not silently mis-bundled).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The blessed data files tput.js can fall back to (the fonts are for BigText, which fwtrace never uses). */
export const BLESSED_FILES = ['xterm', 'xterm-256color', 'linux', 'windows-ansi', 'xterm.termcap'];
const VIRTUAL_LIB = '/$fwtrace-bundle/blessed/lib';

function replaceExactly(text, anchor, replacement, where, times = 1) {
  const found = text.split(anchor).length - 1;
  if (found !== times) throw new Error(`${where}: expected ${times} × ${JSON.stringify(anchor)}, found ${found}`);
  return text.split(anchor).join(replacement);
}

export function srcEntry(root) {
  return {
    name: 'fwtrace-src-entry',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/dist\/cli\/main\.js$/ }, (args) =>
        args.importer === join(root, 'bin', 'fwtrace.js') ? { path: join(root, 'src', 'cli', 'main.ts') } : undefined,
      );
    },
  };
}

export function packageJson(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const main = join(root, 'src', 'cli', 'main.ts');
  return {
    name: 'fwtrace-package-json',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]cli[\\/]main\.ts$/ }, (args) => {
        if (args.path !== main) return undefined;
        const text = replaceExactly(
          readFileSync(args.path, 'utf8'),
          "createRequire(import.meta.url)('../../package.json')",
          `(${JSON.stringify({ name: pkg.name, version: pkg.version })})`,
          'src/cli/main.ts',
        );
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

export function blessedWidgets(root) {
  const dir = join(root, 'node_modules', 'blessed', 'lib', 'widgets');
  return {
    name: 'fwtrace-blessed-widgets',
    setup(build) {
      build.onLoad({ filter: /[\\/]blessed[\\/]lib[\\/]widget\.js$/ }, (args) => {
        const names = readdirSync(dir)
          .filter((f) => f.endsWith('.js'))
          .map((f) => f.slice(0, -3));
        const table = names.map((n) => `  ${JSON.stringify(n)}: function () { return require('./widgets/${n}.js'); },`);
        const text = replaceExactly(
          readFileSync(args.path, 'utf8'),
          "require('./widgets/' + file)",
          '__fwtraceWidgets[file]()',
          'blessed/lib/widget.js',
        );
        return { contents: `var __fwtraceWidgets = {\n${table.join('\n')}\n};\n${text}`, loader: 'js' };
      });
    },
  };
}

export function blessedData(root) {
  const usr = join(root, 'node_modules', 'blessed', 'usr');
  return {
    name: 'fwtrace-blessed-data',
    setup(build) {
      build.onLoad({ filter: /[\\/]blessed[\\/]lib[\\/]tput\.js$/ }, (args) => {
        const files = Object.fromEntries(BLESSED_FILES.map((f) => [f, readFileSync(join(usr, f)).toString('base64')]));
        let text = readFileSync(args.path, 'utf8');
        text = replaceExactly(
          text,
          "fs = require('fs')",
          'fs = __fwtraceBlessedFs(require("fs"))',
          'blessed/lib/tput.js',
        );
        text = replaceExactly(
          text,
          "__dirname + '/../usr/",
          `${JSON.stringify(VIRTUAL_LIB)} + '/../usr/`,
          'tput.js',
          4,
        );
        const shim = `
// fwtrace bundle: blessed's own terminfo/termcap files, read from a virtual directory (scripts/bundle.d).
var __fwtraceBlessedUsr = ${JSON.stringify(files)};
function __fwtraceBlessedFs(realFs) {
  var path = require('path');
  var dir = path.resolve(${JSON.stringify(VIRTUAL_LIB)}, '../usr') + '/';
  return Object.assign(Object.create(realFs), {
    readFileSync: function (file, enc) {
      var p = typeof file === 'string' ? path.resolve(file) : '';
      if (p.indexOf(dir) === 0) {
        var b64 = __fwtraceBlessedUsr[p.slice(dir.length)];
        if (b64 === undefined) {
          var e = new Error('ENOENT: no such file (not embedded in the fwtrace bundle): ' + p);
          e.code = 'ENOENT';
          throw e;
        }
        var buf = Buffer.from(b64, 'base64');
        var encoding = typeof enc === 'string' ? enc : enc && enc.encoding;
        return encoding ? buf.toString(encoding) : buf;
      }
      return realFs.readFileSync.apply(realFs, arguments);
    },
  });
}
`;
        return { contents: shim + text, loader: 'js' };
      });
    },
  };
}
