// Logging in with an identity provider in a real browser: `civic serve --oidc` with
// oidc-provider (tests/tools/oidc_provider.mjs) standing in for ROeID. The login page explains
// why a page needs the eID and offers the provider; the provider's own login form; back on
// "my account", which shows the provider, the level and what was received; logging out ends the
// provider's session too. axe-core (WCAG 2.1 A/AA) on civic's pages.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import { TESTS_DIR, launch } from './support.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const ROOT = path.resolve(TESTS_DIR, '..');
const CIVIC = process.env.CIVIC_BIN || path.join(ROOT, 'target/release/civic');

function freePort() {
    return new Promise((resolve) => {
        const server = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/** Waits for a line of `stream` matching `re`. */
function lineMatching(child, stream, re) {
    const lines = readline.createInterface({ input: stream });
    return new Promise((resolve, reject) => {
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
        lines.on('line', (line) => { const m = line.match(re); if (m) resolve(m); });
    });
}

describe('logging in with an identity provider (civic serve --oidc)', () => {
    let work;
    let civic;
    let idp;
    let browser;
    let base;
    let issuer;

    before(async () => {
        work = mkdtempSync(path.join(os.tmpdir(), 'civic-oidc-'));
        const [civicPort, idpPort] = [await freePort(), await freePort()];
        base = `http://127.0.0.1:${civicPort}`;
        idp = spawn('node', [path.join(TESTS_DIR, 'tools/oidc_provider.mjs'), String(idpPort),
            `${base}/api/auth/oidc/test-eid/callback`, `${base}/`], { stdio: ['pipe', 'pipe', 'ignore'] });
        issuer = (await lineMatching(idp, idp.stdout, /^READY (\S+)/))[1];
        const file = path.join(work, 'providers.json');
        writeFileSync(file, JSON.stringify({ providers: [{
            id: 'test-eid', name: 'Identitate de test', description: 'Furnizorul de test, în locul ROeID.',
            issuer, client_id: 'civic-test', client_secret_env: 'TEST_OIDC_SECRET', scopes: ['openid', 'profile'],
            acr_values: ['substantial'], userinfo: true, assurance: { values: { substantial: 'eid_substantial' } },
        }] }));
        civic = spawn(CIVIC, ['serve', '--no-search', '--port', String(civicPort), '--content', path.join(ROOT, 'content'),
            '--theme', path.join(ROOT, 'themes/default'), '--out', path.join(work, 'public'), '--data', path.join(work, 'data'),
            '--oidc', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TEST_OIDC_SECRET: 'civic-test-secret' } });
        await lineMatching(civic, civic.stderr, /serving http:\/\/127\.0\.0\.1:\d+\//);
        for (let i = 0; i < 300; i++) {
            const r = await fetch(`${base}/api/openapi.json`).catch(() => null);
            if (r?.ok) break;
            await new Promise((ok) => setTimeout(ok, 100));
        }
        browser = await launch();
    });

    after(async () => {
        await browser?.close();
        civic?.kill();
        idp?.kill();
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

    it('a page needing the eID leads to the provider and back to my account, then out of both', async () => {
        const context = await browser.newContext({ locale: 'ro-RO', bypassCSP: true, javaScriptEnabled: true });
        const page = await context.newPage();
        await page.goto(`${base}/api/cont/autentificare?next=/api/cont&nivel=eid_substantial`);
        const main = await page.textContent('main');
        assert.match(main, /cere identificare cu identitatea electronică/);
        assert.match(main, /Nu păstrăm codul numeric personal \(CNP\)/);
        await axe(page, 'login with providers');

        await Promise.all([page.waitForURL(`${issuer}/interaction/**`), page.click('text=Intră cu Identitate de test')]);
        await page.fill('input[name="login"]', 'ioana');
        await Promise.all([page.waitForURL(`${base}/api/cont`), page.click('text=Autentificare')]);
        const account = await page.textContent('main');
        assert.match(account, /Identitate de test/);
        assert.match(account, /identitate electronică \(ROeID\), nivel substanțial/);
        assert.match(account, /prenumele \(păstrat ca nume\)/);
        assert.match(account, /Ana Test ioana/);
        await axe(page, 'my account with a provider');

        // Logging out goes through the provider's end-session endpoint and back to the site.
        await Promise.all([page.waitForURL(`${base}/`), page.click('text=Ieșire din cont')]);
        const r = await page.goto(`${base}/api/cont`);
        assert.equal(r.status(), 401);
        await context.close();
    });
});
