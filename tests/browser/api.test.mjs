// The API's pages in a real browser, served by `civic serve` with the API on the same port: a
// citizen files a report from the site's form and lands on the receipt; a form sent with
// mistakes comes back with the problems listed; logging in with a magic link; a member of staff
// opens the case list. axe-core (WCAG 2.1 A/AA) runs on every one of those pages (injected past
// the API's Content-Security-Policy, which otherwise blocks it, as it should).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import { TESTS_DIR, launch } from './support.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const ROOT = path.resolve(TESTS_DIR, '..');
const CIVIC = process.env.CIVIC_BIN || path.join(ROOT, 'target/release/civic');

/** Starts `civic serve` on a free port with its own output and data folders. */
async function startCivic(work) {
    const child = spawn(CIVIC, ['serve', '--no-search', '--port', '0', '--content', path.join(ROOT, 'content'),
        '--theme', path.join(ROOT, 'themes/default'), '--out', path.join(work, 'public'), '--data', path.join(work, 'data')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
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

/** The newest .eml written by the API (no SMTP configured), its quoted-printable body decoded. */
function lastMail(work) {
    const dir = path.join(work, 'data', 'mail');
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'))
        .map((f) => path.join(dir, f)).sort((a, b) => readFileSync(a).length - readFileSync(b).length);
    const all = files.map((f) => readFileSync(f, 'utf8'));
    return all.map((raw) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
}

describe('the API in a browser (civic serve)', () => {
    let work;
    let civic;
    let browser;

    before(async () => {
        work = mkdtempSync(path.join(os.tmpdir(), 'civic-api-'));
        civic = await startCivic(work);
        browser = await launch();
    });

    after(async () => {
        await browser?.close();
        civic?.child.kill();
        if (work) rmSync(work, { recursive: true, force: true });
    });

    async function axe(page, label) {
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(() => globalThis.axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
            resultTypes: ['violations'],
        }));
        assert.ok(result.passes.length > 0, `${label}: axe ran`);
        assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), [], label);
    }

    it('a citizen files a report from the site and lands on the receipt with the number', async () => {
        const context = await browser.newContext({ locale: 'ro-RO', bypassCSP: true });
        const page = await context.newPage();
        await page.goto(`${civic.base}/formulare/sesizare/`);
        await page.selectOption('select[name="categorie"]', 'iluminat');
        await page.fill('textarea[name="descriere"]', 'Trei stâlpi de iluminat nu funcționează pe strada Țebea.');
        await page.fill('input[name="nume"]', 'Ioana Țărănescu');
        await page.fill('input[name="email"]', 'ioana@example.ro');
        await Promise.all([page.waitForURL(/\/api\/dosar\/TM-2026-\d{6}\?cheie=/), page.click('form.civic-form button[type="submit"]')]);
        const heading = await page.textContent('h1');
        assert.match(heading, /^Cererea nr\. TM-2026-\d{6}$/);
        assert.match(await page.textContent('main'), /Trei stâlpi de iluminat nu funcționează pe strada Țebea\./);
        await axe(page, 'receipt');
        await context.close();
    });

    it('a form sent with mistakes comes back with each problem named and a way back', async () => {
        const context = await browser.newContext({ locale: 'ro-RO', bypassCSP: true });
        const page = await context.newPage();
        await page.goto(`${civic.base}/formulare/sesizare/`);
        // Past the browser's own checks, as an old browser or a script would send it.
        await page.evaluate(() => { document.querySelector('form.civic-form').noValidate = true; });
        await page.fill('input[name="email"]', 'nu-este-o-adresa');
        const [response] = await Promise.all([page.waitForNavigation(), page.click('form.civic-form button[type="submit"]')]);
        assert.equal(response.status(), 422);
        const summary = await page.textContent('.error-summary');
        assert.match(summary, /Despre ce este sesizarea/);
        assert.match(summary, /Adresa de e-mail/);
        assert.equal(await page.getAttribute('a.button', 'href'), '/formulare/sesizare/');
        await axe(page, 'error page');
        await context.close();
    });

    it('logging in with a link from the e-mail, then my account', async () => {
        const context = await browser.newContext({ locale: 'ro-RO', bypassCSP: true });
        const page = await context.newPage();
        await page.goto(`${civic.base}/api/cont/autentificare`);
        await axe(page, 'login');
        await page.fill('#link-email', 'ioana@example.ro');
        await Promise.all([page.waitForURL(/verificati-emailul/), page.click('text=Trimite linkul')]);
        await axe(page, 'check your e-mail');
        let url = null;
        for (let i = 0; i < 100 && !url; i++) {
            url = lastMail(work).map((m) => m.match(/http:\/\/\S+\/api\/auth\/link\?token=[\w-]+/)?.[0]).find(Boolean) ?? null;
            if (!url) await new Promise((ok) => setTimeout(ok, 100));
        }
        assert.ok(url, 'the magic link was written as an e-mail');
        await page.goto(url);
        await axe(page, 'confirm link');
        await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('main button[type="submit"]')]);
        assert.match(await page.textContent('main'), /ioana@example\.ro/);
        assert.match(await page.textContent('main'), /TM-2026-\d{6}/, 'the report filed earlier with this address shows');
        await axe(page, 'my account');
        await page.goto(`${civic.base}/api/cont/inregistrare`);
        await axe(page, 'sign up');
        await context.close();
    });

    it('an alert for a polygon drawn on the map, and the form without JavaScript', async () => {
        const context = await browser.newContext({ locale: 'ro-RO', bypassCSP: true });
        const page = await context.newPage();
        await page.goto(`${civic.base}/api/alerte`);
        // The districts' outlines are drawn once /data/district.json arrives.
        await page.waitForFunction(() => document.querySelectorAll('#alert-map path').length > 1);
        await axe(page, 'alerts form');
        await page.fill('#email', 'harta@example.ro');
        for (const [x, y] of [[120, 80], [260, 90], [200, 220]]) {
            await page.click('#alert-map', { position: { x, y } });
        }
        const corners = JSON.parse(await page.inputValue('#polygon'));
        assert.equal(corners.length, 3, 'three corners, as [lon, lat]');
        assert.ok(corners.every(([lon, lat]) => lon > 21 && lon < 21.5 && lat > 45.6 && lat < 45.9), JSON.stringify(corners));
        assert.ok(await page.isChecked('#area-polygon'));
        await Promise.all([page.waitForURL(/\/api\/alerte\/trimis$/), page.click('text=Creează alerta')]);
        await axe(page, 'alert sent');
        await context.close();
        // Without JavaScript: no map, the districts to choose from.
        const plain = await browser.newContext({ locale: 'ro-RO', javaScriptEnabled: false });
        const noJs = await plain.newPage();
        await noJs.goto(`${civic.base}/api/alerte`);
        assert.equal(await noJs.isVisible('#alert-map'), false);
        assert.ok(await noJs.isVisible('#district-cetate'));
        await plain.close();
    });

    it('a member of staff sees the case list and a case', async () => {
        const added = spawnSync(CIVIC, ['api', '--data', path.join(work, 'data'), 'user', 'add', '--email', 'staff@primariatm.ro',
            '--role', 'staff', '--password-stdin'], { input: 'parola de test pentru personal\n' });
        assert.equal(added.status, 0, added.stderr.toString());
        const context = await browser.newContext({ locale: 'ro-RO', bypassCSP: true });
        const page = await context.newPage();
        await page.goto(`${civic.base}/api/cont/autentificare`);
        await page.fill('#email', 'staff@primariatm.ro');
        await page.fill('#password', 'parola de test pentru personal');
        await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('text=Intră în cont')]);
        await page.goto(`${civic.base}/api/admin/dosare`);
        await axe(page, 'case list');
        await Promise.all([page.waitForURL(/\/api\/admin\/dosare\/TM-/), page.click('tbody a')]);
        await axe(page, 'case');
        await context.close();
    });
});
