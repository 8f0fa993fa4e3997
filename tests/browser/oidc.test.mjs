// Logging in with an identity provider in a real browser: `civic serve --oidc` with
// oidc-provider (tests/tools/oidc_provider.mjs) standing in for ROeID. The login page explains
// why a page needs the eID and offers the provider; the provider's own login form; back on
// "my account", which shows the provider, the level and what was received; logging out ends the
// provider's session too; someone logged in by e-mail links the provider from "my account".
// All under the Content-Security-Policy civic sends (its `form-action 'self'` once kept every
// form post from reaching the provider): each way out must get an answer from the provider's
// endpoint itself. axe-core (WCAG 2.1 A/AA) on civic's pages.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import { TESTS_DIR, launch } from './support.mjs';
import { axe, linkFromMail, startCivic } from './civic.mjs';

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

    /**
     * A context under the headers civic sends (no CSP bypass) that notes every answer the
     * provider gave the browser and every Content-Security-Policy violation the console reports.
     */
    async function watched() {
        const context = await browser.newContext({ locale: 'ro-RO' });
        context.setDefaultTimeout(10_000);
        const page = await context.newPage();
        const fromProvider = [];
        const blocked = [];
        page.on('response', (r) => { if (r.url().startsWith(`${issuer}/`)) fromProvider.push(r.url()); });
        page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) blocked.push(m.text()); });
        return { context, page, fromProvider, blocked };
    }

    /**
     * Clicks `button` (a form posting to civic that leads through the provider) and waits until
     * the browser is at `url`; fails naming what the CSP blocked, if anything.
     */
    async function through(w, button, url) {
        try {
            await Promise.all([w.page.waitForURL(url), w.page.click(button)]);
        } catch (e) {
            // Chromium reports the block on the console a moment after the navigation failed.
            if (w.blocked.length === 0) {
                await w.page.waitForEvent('console', { predicate: (m) => /Content Security Policy/.test(m.text()), timeout: 2000 })
                    .catch(() => {});
            }
            e.message = `"${button}" did not reach the provider (${url}); blocked by the CSP: `
                + `${w.blocked.join(' | ') || 'nothing reported'}\n${e.message}`;
            throw e;
        }
    }

    /** The provider's endpoints, from its discovery document, as civic finds them. */
    async function endpoints() {
        return (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    }

    it('a page needing the eID leads to the provider and back to my account, then out of both', async () => {
        const { authorization_endpoint: authorize, end_session_endpoint: endSession } = await endpoints();
        const w = await watched();
        const { page } = w;
        const login = await page.goto(`${base}/api/cont/autentificare?next=/api/cont&nivel=eid_substantial`);
        // The page keeps the policy production sends: forms post to civic only.
        assert.match(login.headers()['content-security-policy'], /form-action 'self'$/);
        const main = await page.textContent('main');
        assert.match(main, /cere identificare cu identitatea electronică/);
        assert.match(main, /Nu păstrăm codul numeric personal \(CNP\)/);
        await axe(page, 'login with providers');

        await through(w, 'text=Intră cu Identitate de test', `${issuer}/interaction/**`);
        assert.ok(w.fromProvider.some((u) => u.startsWith(`${authorize}?`)), `the provider's authorization endpoint answered: ${w.fromProvider}`);
        await page.fill('input[name="login"]', 'ioana');
        await Promise.all([page.waitForURL(`${base}/api/cont`), page.click('text=Autentificare')]);
        const account = await page.textContent('main');
        assert.match(account, /Identitate de test/);
        assert.match(account, /identitate electronică \(ROeID\), nivel substanțial/);
        assert.match(account, /prenumele \(păstrat ca nume\)/);
        assert.match(account, /Ana Test ioana/);
        await axe(page, 'my account with a provider');

        // Logging out goes through the provider's end-session endpoint and back to the site.
        await through(w, 'text=Ieșire din cont', `${base}/`);
        assert.ok(w.fromProvider.some((u) => u.startsWith(`${endSession}?`)), `the provider's end-session endpoint answered: ${w.fromProvider}`);
        assert.deepEqual(w.blocked, []);
        // Logged out, "Contul meu" asks to log in again.
        await page.goto(`${base}/api/cont`);
        assert.ok(page.url().startsWith(`${base}/api/cont/autentificare?next=`), page.url());
        await w.context.close();
    });

    it('someone logged in by e-mail links the provider from "Contul meu"', async () => {
        const { authorization_endpoint: authorize } = await endpoints();
        const w = await watched();
        const { page } = w;
        await page.goto(`${base}/api/cont/autentificare`);
        await page.fill('#link-email', 'dan@example.ro');
        await Promise.all([page.waitForURL(/verificati-emailul/), page.click('text=Trimite linkul')]);
        await page.goto(await linkFromMail(work, 'dan@example.ro', /http:\/\/\S+\/api\/auth\/link\?token=[\w-]+/));
        await Promise.all([page.waitForURL(`${base}/api/cont`), page.click('main button[type="submit"]')]);
        assert.doesNotMatch(await page.textContent('main'), /codul care vă identifică la Identitate de test/);

        await through(w, 'text=Leagă Identitate de test de cont', `${issuer}/interaction/**`);
        assert.ok(w.fromProvider.some((u) => u.startsWith(`${authorize}?`)), `the provider's authorization endpoint answered: ${w.fromProvider}`);
        await page.fill('input[name="login"]', 'dan');
        await Promise.all([page.waitForURL(`${base}/api/cont`), page.click('text=Autentificare')]);
        const account = await page.textContent('main');
        assert.match(account, /dan@example\.ro/);
        assert.match(account, /codul care vă identifică la Identitate de test: dan/);
        assert.deepEqual(w.blocked, []);
        await w.context.close();
    });
});
