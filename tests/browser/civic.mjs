// Shared helpers for the browser tests that run `civic serve` (the site with the API on the same
// port): starting it with its own folders, reading the e-mails it writes (no SMTP configured:
// one .eml file each) and running axe-core on its pages, which keep the API's
// Content-Security-Policy (no test bypasses it: they run under the headers production sends).
// Not a test file itself (node --test only runs *.test.mjs here).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before } from 'node:test';

import { TESTS_DIR, launch, runAxe } from './support.mjs';

/** The repository's root. */
export const ROOT = path.resolve(TESTS_DIR, '..');

/** The civic binary: CIVIC_BIN (tests/run.sh sets it), else the release build. */
export const CIVIC = process.env.CIVIC_BIN || path.join(ROOT, 'target/release/civic');

/**
 * Starts `civic serve` on `port` (0: any free one) with its output and data folders in `work`,
 * the sample content (or `content`) and the default theme, without the search index unless
 * `search`; resolves once the API answers.
 * `args` are added to the command line, `env` to the environment.
 */
export async function startCivic(work, { port = 0, args = [], env = {}, content = path.join(ROOT, 'content'), search = false } = {}) {
    const child = spawn(CIVIC, ['serve', ...(search ? [] : ['--no-search']), '--port', String(port), '--content', content,
        '--theme', path.join(ROOT, 'themes/default'), '--out', path.join(work, 'public'), '--data', path.join(work, 'data'),
        ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    const lines = readline.createInterface({ input: child.stderr });
    const base = await new Promise((resolve, reject) => {
        child.on('exit', (code) => reject(new Error(`civic serve exited with ${code}`)));
        lines.on('line', (line) => {
            const m = line.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
            if (m) resolve(m[1]);
        });
    });
    for (let i = 0; i < 300; i++) {
        const r = await fetch(`${base}/api/openapi.json`).catch(() => null);
        if (r?.ok) return { base, child };
        await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error('the API did not come up');
}

/**
 * For a `describe` block: before its tests, `civic serve` with its folders in a new temp folder
 * named `prefix…`, and Chromium; after them, both stopped and the folder removed. Returns the
 * object that then holds `work` (the folder), `base` (the site's URL) and `browser`, and with
 * `copyContent` `content`: a copy of the sample content served, for tests that publish a change.
 * `options` go to `startCivic`.
 */
export function servedCivic(prefix, { copyContent = false, ...options } = {}) {
    const served = {};
    before(async () => {
        served.work = mkdtempSync(path.join(os.tmpdir(), prefix));
        if (copyContent) {
            served.content = path.join(served.work, 'content');
            cpSync(path.join(ROOT, 'content'), served.content, { recursive: true });
            options.content = served.content;
        }
        served.civic = await startCivic(served.work, options);
        served.base = served.civic.base;
        served.browser = await launch();
    });
    after(async () => {
        await served.browser?.close();
        served.civic?.child.kill();
        if (served.work) rmSync(served.work, { recursive: true, force: true });
    });
    return served;
}

/**
 * A browser context logged in as a new member of staff (`civic api user add --role staff` on the
 * served data folder, then the login page's password form); returns `{ context, page }`.
 */
export async function staffLogin(served, email) {
    const password = `parola de test pentru ${email}`;
    const added = spawnSync(CIVIC, ['api', '--data', path.join(served.work, 'data'), 'user', 'add', '--email', email,
        '--role', 'staff', '--password-stdin'], { input: `${password}\n` });
    assert.equal(added.status, 0, added.stderr.toString());
    const context = await served.browser.newContext({ locale: 'ro-RO' });
    const page = await context.newPage();
    await page.goto(`${served.base}/api/cont/autentificare`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('text=Intră în cont')]);
    return { context, page };
}

/** Every .eml the API has written (lettre names them by a random id), oldest first, quoted-printable decoded. */
export function mails(work) {
    const dir = path.join(work, 'data', 'mail');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => path.join(dir, f))
        .map((f) => [statSync(f).mtimeMs, f]).sort((a, b) => a[0] - b[0])
        .map(([, f]) => readFileSync(f, 'utf8'))
        .map((raw) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
}

/** Waits (up to 10 s) for an e-mail to `to` holding a match of `re`; returns the first match. */
export async function linkFromMail(work, to, re) {
    for (let i = 0; i < 100; i++) {
        const found = mails(work).filter((m) => new RegExp(`^To: .*${to.replace(/[.+]/g, '\\$&')}`, 'm').test(m))
            .map((m) => m.match(re)?.[0]).filter(Boolean).pop();
        if (found) return found;
        await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error(`no e-mail to ${to} matching ${re}`);
}

/** Runs axe-core (WCAG 2.1 A/AA) on the page and fails with every violation found. */
export async function axe(page, label) {
    const result = await runAxe(page, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
    assert.ok(result.passes.length > 0, `${label}: axe ran`);
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), [], label);
}
