// A citizen's journey through the one portal, in Chromium under the API's headers and CSP, from
// the home page and only by clicking (opening a link from an e-mail is the one exception, as it
// is for a person): log in by magic link, file a report, follow a draft in consultation, sign a
// petition, set an alert for one's district, and find all of it on "Contul meu". Then a new
// build publishes the draft as adopted, `civic alerts dispatch` runs, and exactly one e-mail
// arrives saying what changed, whose link opens the new decision. axe-core on every page.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { eventually } from './support.mjs';
import { CIVIC, ROOT, axe, linkFromMail, mails, servedCivic } from './civic.mjs';

const EMAIL = 'calatorie@example.ro';
const DRAFT = 'Proiect de hotărâre privind aprobarea Regulamentului pentru amplasarea teraselor sezoniere și a mobilierului urban în municipiul Timișoara';
const DECISION = 'Hotărâre privind aprobarea Regulamentului pentru amplasarea teraselor sezoniere și a mobilierului urban în municipiul Timișoara';

/** The mails to the journey's citizen so far. */
const mine = (work) => mails(work).filter((m) => new RegExp(`^To: .*${EMAIL.replace(/[.+]/g, '\\$&')}`, 'm').test(m));

/** A new publication in the content copy: the draft adopted, and the decision adopting it. */
function adoptTheDraft(content) {
    const draftFile = path.join(content, 'draft_decisions/ph-2026-467.md');
    const draft = readFileSync(draftFile, 'utf8');
    assert.ok(draft.includes('\nstatus: in_consultare\n'));
    writeFileSync(draftFile, draft.replace('\nstatus: in_consultare\n', '\nstatus: adoptat\n')
        .replace('  - status: in_consultare\n    at: 2026-11-16\n', '  - status: in_consultare\n    at: 2026-11-16\n  - status: adoptat\n    at: 2026-12-10\n'));
    const model = readFileSync(path.join(content, 'council_decisions/hcl-2026-565.md'), 'utf8');
    const decision = model.replace('id: hcl-2026-565', 'id: hcl-2026-600')
        .replace('slug: 2026/565-tarife-colectare-deseuri', 'slug: 2026/600-regulament-terase-sezoniere')
        .replace(/^title: .*$/m, `title: ${DECISION}`)
        .replace('number: 565', 'number: 600').replace('ref: HCL-2026-00565', 'ref: HCL-2026-00600')
        .replace('\nstatus: publicata', '\nstatus: publicata\ndraft: ph-2026-467');
    assert.ok(decision.includes('draft: ph-2026-467') && decision.includes('number: 600'));
    writeFileSync(path.join(content, 'council_decisions/hcl-2026-600.md'), decision);
}

describe('a citizen\'s journey through the portal', () => {
    // A copy of the sample content: the journey publishes a new build.
    const served = servedCivic('civic-journey-', { copyContent: true });

    const dispatch = () => {
        const run = spawnSync(CIVIC, ['alerts', 'dispatch', '--data', path.join(served.work, 'data'), '--site',
            path.join(served.work, 'public'), '--theme', path.join(ROOT, 'themes/default'), '--public-url', served.base]);
        assert.equal(run.status, 0, run.stderr.toString());
        return run.stdout.toString() + run.stderr.toString();
    };

    it('from the home page to Contul meu, then one e-mail when the followed draft is adopted', async () => {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        const home = () => Promise.all([page.waitForURL(`${served.base}/`), page.click('a.brand')]);
        await page.goto(`${served.base}/`);
        await axe(page, 'home');

        // Log in by magic link, from the header.
        await Promise.all([page.waitForURL(/\/api\/cont\/autentificare\?next=/), page.click('#cont-meu')]);
        await page.fill('#link-email', EMAIL);
        await Promise.all([page.waitForURL(/verificati-emailul/), page.click('text=Trimite linkul')]);
        await page.goto(await linkFromMail(served.work, EMAIL, /http:\/\/\S+\/api\/auth\/link\?token=[\w-]+/));
        await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('main button[type="submit"]')]);
        await axe(page, 'my account, new');

        // File a report: the header's online forms, then the report form.
        await home();
        await Promise.all([page.waitForURL(/\/formulare\/$/), page.getByRole('link', { name: 'Formulare online' }).click()]);
        await Promise.all([page.waitForURL(/\/formulare\/sesizare\/$/), page.getByRole('link', { name: 'Sesizare despre o problemă în oraș' }).click()]);
        await page.selectOption('select[name="categorie"]', 'iluminat');
        await page.fill('textarea[name="descriere"]', 'Stâlpul de iluminat din fața școlii nu funcționează de trei seri.');
        await page.fill('input[name="nume"]', 'Călătorie Țărănescu');
        await page.fill('input[name="email"]', EMAIL);
        await Promise.all([page.waitForURL(/\/api\/dosar\/TM-2026-\d{6}\?cheie=/), page.click('form.civic-form button[type="submit"]')]);
        const number = (await page.textContent('h1')).match(/TM-2026-\d{6}/)[0];
        await axe(page, 'receipt');

        // Follow the draft in consultation, from the home page's list: one click, signed in.
        await home();
        await Promise.all([page.waitForURL(/\/consultari\/2026\/467-regulament-terase-sezoniere\/$/), page.getByRole('link', { name: DRAFT }).first().click()]);
        await axe(page, 'a draft in consultation');
        await Promise.all([page.waitForURL(/\/api\/alerte\/gestionare\?token=/), page.click('form.follow button')]);
        assert.match(await page.textContent('h1'), /Ce urmăriți/);
        assert.match(await page.textContent('main'), /teraselor sezoniere/);
        await axe(page, 'the follow');

        // Sign the open sample petition, from the header.
        await Promise.all([page.waitForURL(/\/api\/petitii$/), page.getByRole('link', { name: 'Petiții', exact: true }).click()]);
        await Promise.all([page.waitForURL(/\/api\/petitii\/\d+$/), page.getByRole('link', { name: 'Piste de biciclete sigure pe Calea Șagului' }).click()]);
        await axe(page, 'an open petition');
        await page.fill('#name', 'Călătorie Țărănescu');
        await page.fill('#email', EMAIL);
        await page.selectOption('#district', 'cetate');
        await Promise.all([page.waitForURL(/\/api\/petitii\/(\d+\?semnat=1|semnatura\/trimisa)$/), page.click('text=Semnez')]);
        if (page.url().endsWith('/trimisa')) {
            await page.goto(await linkFromMail(served.work, EMAIL, /http:\/\/\S+\/api\/petitii\/semnatura\?token=[\w-]+/));
            await Promise.all([page.waitForURL(/\?semnat=1$/), page.click('text=Confirm semnătura')]);
        }
        await axe(page, 'the signed petition');

        // An alert for one's district, from the home page's block.
        await home();
        await page.selectOption('#alerta-cartier', 'cetate');
        await Promise.all([page.waitForURL(/\/api\/alerte\?district=cetate$/), page.click('#h-alerte ~ form button[type="submit"]')]);
        assert.equal(await page.inputValue('#email'), EMAIL, 'the signed-in address');
        await Promise.all([page.waitForURL(/\/api\/alerte\/gestionare\?token=/), page.click('text=Creează alerta')]);
        await axe(page, 'the alert');

        // All of it on "Contul meu".
        await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('#cont-meu')]);
        const account = await page.textContent('main');
        assert.ok(account.includes(number), 'the report');
        assert.match(account, /Piste de biciclete sigure pe Calea Șagului/, 'the signed petition');
        assert.match(account, /Urmăriți pagina[\s\S]*teraselor sezoniere/, 'the follow');
        assert.match(account, /Cetate/, 'the district alert');
        await axe(page, 'my account, full');

        // The timer's dispatch after the current publication (a baseline: nothing is mailed).
        dispatch();
        const before = mine(served.work).length;
        // A new build: the draft adopted as HCL 600/2026.
        adoptTheDraft(served.content);
        await eventually(async () => {
            const drafts = await (await fetch(`${served.base}/data/draft_decision.json`)).json();
            assert.equal(drafts.items.find((d) => d.id === 'ph-2026-467').status, 'adoptat');
            const decisions = await (await fetch(`${served.base}/data/council_decision.json`)).json();
            assert.ok(decisions.items.some((d) => d.id === 'hcl-2026-600'));
        }, { timeout: 30_000 });
        dispatch();
        // Exactly one e-mail, saying what changed.
        let mail;
        await eventually(async () => {
            const now = mine(served.work);
            assert.equal(now.length, before + 1);
            mail = now.at(-1);
        }, { timeout: 20_000 });
        await new Promise((ok) => setTimeout(ok, 1500));
        assert.equal(mine(served.work).length, before + 1, 'no second e-mail');
        assert.match(mail, /Modificat: /, 'the change, named');
        assert.match(mail, /Adoptat ca HCL nr\. 600\/2026/);
        assert.match(mail, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
        const link = mail.match(new RegExp(`${served.base.replace(/[.:/]/g, '\\$&')}/hotarari/\\S+`))[0];
        await page.goto(link);
        assert.equal((await page.textContent('h1')).trim(), DECISION);
        await axe(page, 'the adopted decision');
        await context.close();
    });

    it('a stranger follows a filtered list: the page asks for an address, then the confirmation', async () => {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/`);
        await Promise.all([page.waitForURL(/\/hotarari\/$/), page.getByRole('link', { name: 'Toate hotărârile' }).click()]);
        await Promise.all([page.waitForURL(/\/hotarari\/stare\/in-vigoare\/$/), page.locator('aside.filters a[href$="/stare/in-vigoare/"]').click()]);
        await Promise.all([page.waitForURL(/\/api\/urmarire\?lista=/), page.click('text=Primiți pe e-mail noutățile din această listă')]);
        assert.match(await page.textContent('main'), /Hotărâri ale consiliului local: În vigoare/);
        await axe(page, 'follow a list');
        await page.fill('#email', 'lista@example.ro');
        await Promise.all([page.waitForURL(/\/api\/alerte\/trimis$/), page.click('main form button[type="submit"]')]);
        await axe(page, 'check your e-mail');
        const confirm = await linkFromMail(served.work, 'lista@example.ro', /http:\/\/\S+\/api\/alerte\/confirmare\?token=[\w-]+/);
        await page.goto(confirm);
        await Promise.all([page.waitForURL(/\/api\/alerte\/gestionare\?token=/), page.click('main button[type="submit"]')]);
        assert.match(await page.textContent('h1'), /Ce urmăriți/);
        await context.close();
    });
});
