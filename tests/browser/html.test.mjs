// Markup: the Nu Html Checker (vnu.jar, the W3C validator) over every .html file of the built
// site, in one run of the JVM. Any error fails, listed by message with every file and line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { siteDir } from './support.mjs';

const require = createRequire(import.meta.url);
const VNU = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const ROOT = siteDir();

// A page with two known errors, checked in the same run: if vnu's report stops being read
// right (another output stream, another format), this is missed and the test fails.
const CANARY = '<!DOCTYPE html>\n<html lang="ro">\n<head><meta charset="utf-8"><title>canary</title></head>\n'
    + '<body>\n<main><h1>canary</h1>\n<p><div>block in a paragraph</div></p>\n<img src="x.png">\n</main>\n</body>\n</html>\n';

function htmlFiles(dir) {
    const out = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...htmlFiles(p));
        else if (e.name.endsWith('.html')) out.push(p);
    }
    return out;
}

/** Runs vnu on `paths`; resolves to { code, report } with vnu's JSON report. */
function vnu(paths) {
    return new Promise((resolve, reject) => {
        const args = ['-Xss4m', '-jar', VNU, '--errors-only', '--format', 'json', '--skip-non-html', ...paths];
        const child = spawn(process.env.JAVA || 'java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => err.push(d));
        child.on('error', reject);
        child.on('close', (code) => {
            // vnu writes its JSON report to stderr; anything else there (a JVM warning) is text.
            const text = Buffer.concat(err).toString('utf8') + Buffer.concat(out).toString('utf8');
            const start = text.indexOf('{"');
            if (start < 0) {
                reject(new Error(`vnu (exit ${code}) wrote no JSON report:\n${text.slice(0, 2000)}`));
                return;
            }
            try {
                resolve({ code, report: JSON.parse(text.slice(start, text.lastIndexOf('}') + 1)) });
            } catch (e) {
                reject(new Error(`vnu's report is not JSON (${e.message}):\n${text.slice(0, 2000)}`));
            }
        });
    });
}

test('every page of the site is valid HTML (Nu Html Checker)', { timeout: 10 * 60_000 }, async (t) => {
    const files = htmlFiles(ROOT);
    assert.ok(files.length > 0, `no .html file in ${ROOT}`);

    const canaryDir = mkdtempSync(path.join(tmpdir(), 'civic-vnu-canary-'));
    const canary = path.join(canaryDir, 'canary.html');
    writeFileSync(canary, CANARY);
    let result;
    try {
        result = await vnu([ROOT, canary]);
    } finally {
        rmSync(canaryDir, { recursive: true, force: true });
    }
    const messages = result.report.messages ?? [];
    const fileOf = (m) => (m.url ? fileURLToPath(m.url.replace(/^file:\/(?!\/)/, 'file:///')) : '');

    const canaryErrors = messages.filter((m) => fileOf(m) === canary && m.type === 'error');
    assert.ok(canaryErrors.length >= 2,
        `vnu missed the known errors of a broken page (got ${JSON.stringify(canaryErrors)}): is its report read right?`);

    const site = messages.filter((m) => fileOf(m) !== canary && m.type !== 'info');
    t.diagnostic(`vnu ${result.report.version ?? ''} checked ${files.length} .html files: ${site.length} error(s)`);
    if (site.length === 0) return;

    // One entry per distinct message, with every place it occurs.
    const groups = new Map();
    for (const m of site) {
        const key = `${m.type === 'error' ? '' : `[${m.type}] `}${m.message}`;
        const where = `${path.relative(ROOT, fileOf(m)) || m.url}${m.lastLine ? `:${m.lastLine}` : ''}`
            + (m.extract ? `  «${m.extract.replace(/\s+/g, ' ').trim().slice(0, 80)}»` : '');
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(where);
    }
    const lines = [];
    for (const [message, places] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
        lines.push(`${message}  (${places.length}×)`);
        for (const p of places.sort()) lines.push(`    ${p}`);
    }
    assert.fail(`${site.length} HTML error(s) in ${new Set(site.map(fileOf)).size} file(s), `
        + `${groups.size} distinct:\n${lines.join('\n')}`);
});
