// Logging in with an identity provider in a real browser: `civic serve --oidc` with
// oidc-provider (tests/tools/oidc_provider.mjs) standing in for ROeID. The login page explains
// why a page needs the eID and offers the provider; the provider's own login form; back on
// "my account", which shows the provider, the level and what was received; logging out ends the
// provider's session too. axe-core (WCAG 2.1 A/AA) on civic's pages.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import { TESTS_DIR, launch } from './support.mjs';
import { axe, startCivic } from './civic.mjs';

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
        civic = (await startCivic(work, { port: civicPort, args: ['--oidc', file],
            env: { TEST_OIDC_SECRET: 'civic-test-secret' } })).child;
        browser = await launch();
    });

    after(async () => {
        await browser?.close();
        civic?.kill();
        idp?.kill();
        if (work) rmSync(work, { recursive: true, force: true });
    });

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
