// Accessibility: axe-core's WCAG 2.0/2.1 A and AA rules on one page of every template, in
// real Chromium, plus screenshots of the home page and a decision at phone and desktop sizes.
//
// A template's page is found in the built site's sitemap.xml (the biggest page of its kind,
// so the richest one is checked); a template with no page in the site fails the test.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { OUTPUT_DIR, launch, runAxe, siteDir, sitemapPaths, startServer } from './support.mjs';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SCREENSHOTS = path.join(OUTPUT_DIR, 'screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const NARROW = { width: 320, height: 640 };

const ROOT = siteDir();
const SITEMAP = await sitemapPaths(ROOT);

function pageFile(p) {
    return path.join(ROOT, p.endsWith('/') ? p + 'index.html' : p);
}

/** The biggest page in the sitemap whose path matches `re` (null when none does). */
function biggest(re) {
    const found = SITEMAP.filter((p) => re.test(p));
    if (found.length === 0) return null;
    return found
        .map((p) => [p, statSync(pageFile(p)).size])
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
}

/** The first page in the sitemap whose path matches `re` and whose HTML contains every one of `texts`. */
function withText(re, ...texts) {
    return SITEMAP.find((p) => re.test(p) && texts.every((t) => readFileSync(pageFile(p), 'utf8').includes(t))) ?? null;
}

/** [label, path or null, expected HTTP status, what to do there first] for one page of every template. */
const PAGES = [
    ['home', '/', 200],
    ['list: decisions', '/hotarari/', 200],
    ['list filtered: decisions of 2025', '/hotarari/an/2025/', 200],
    ['council decision', biggest(/^\/hotarari\/\d{4}\/[^/]+\/$/), 200],
    ['draft decision', biggest(/^\/consultari\/\d{4}\/[^/]+\/$/), 200],
    ['draft decision in consultation, with the comment form', withText(/^\/consultari\/\d{4}\/[^/]+\/$/, 'type="hidden" name="draft"'), 200],
    ['mayor disposition', biggest(/^\/dispozitii\/\d{4}\/[^/]+\/$/), 200],
    ['council session', biggest(/^\/sedinte\/\d{4}\/[^/]+\/$/), 200],
    ['tender', biggest(/^\/licitatii\/\d{4}\/[^/]+\/$/), 200],
    ['direct purchase', biggest(/^\/achizitii-directe\/\d{4}\/[^/]+\/$/), 200],
    ['job contest', biggest(/^\/cariere\/\d{4}\/[^/]+\/$/), 200],
    ['service', biggest(/^\/servicii\/[^/]+\/$/), 200],
    ['list: forms', '/formulare/', 200],
    ['form', biggest(/^\/formulare\/[^/]+\/$/), 200],
    ['form with a location and files', withText(/^\/formulare\/[^/]+\/$/, 'type="file"', '_lat"'), 200],
    ['form: comments on drafts', withText(/^\/formulare\/[^/]+\/$/, 'name="draft"'), 200],
    ['news', biggest(/^\/stiri\/\d{4}\/\d{2}\/[^/]+\/$/), 200],
    ['archive unit, with its page viewer', biggest(/^\/arhiva\/ro-[^/]+\/$/), 200],
    ['archive fonds and series', '/arhiva/fonduri/', 200],
    ['archive list filtered: a fonds', '/arhiva/fond/primaria-orasului-timisoara/', 200],
    ['plain page', SITEMAP.includes('/declaratie-de-accesibilitate/') ? '/declaratie-de-accesibilitate/' : null, 200],
    ['Monitorul Oficial Local', '/monitorul-oficial-local/', 200],
    ['list filtered: works going on now', '/lucrari/perioada/acum/', 200],
    ['public work', biggest(/^\/lucrari\/lucrare-[^/]+\/$/), 200],
    ['recurring service (waste collection)', biggest(/^\/servicii-periodice\/[^/]+\/$/), 200],
    ['district', biggest(/^\/cartiere\/[^/]+\/$/), 200],
    ['streets', '/strazi/', 200],
    ['street', biggest(/^\/strazi\/[^/]+\/$/), 200],
    // The map with Leaflet drawn, its controls shown and the list of what it shows filled in.
    ['map', SITEMAP.includes('/harta/') ? '/harta/' : null, 200, async (page) => {
        await page.waitForFunction(() => document.querySelector('#harta-stare')?.textContent.trim(), null, { timeout: 15_000 });
    }],
    ['Monitorul Oficial Local: decisions', '/monitorul-oficial-local/hotarari/', 200],
    // What a citizen sees for a mistyped address: the server answers 404 with /404.html.
    ['not found (404.html)', '/aceasta-pagina-nu-exista/', 404],
];
// The search page (not in the sitemap), once the site has one: checked with results shown.
if (existsSync(path.join(ROOT, 'cautare', 'index.html'))) {
    PAGES.push(['search, with results', '/cautare/', 200, async (page) => {
        await page.getByRole('searchbox').first().fill('parcare');
        await page.keyboard.press('Enter');
        // Until the search is over: "Se caută…" is said while it runs, the results after.
        await page.waitForFunction(() => {
            const status = document.querySelector('[role="status"]')?.textContent.trim();
            return status && !status.startsWith('Se caută');
        }, null, { timeout: 15_000 });
    }]);
}

function describeViolations(violations) {
    const lines = [];
    for (const v of violations) {
        lines.push(`  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})`);
        for (const n of v.nodes) {
            lines.push(`      target: ${n.target.join(' ')}`);
            lines.push(`        html: ${n.html.replace(/\s+/g, ' ').slice(0, 240)}`);
            if (n.failureSummary) {
                lines.push(`        ${n.failureSummary.replace(/\s*\n\s*/g, ' | ')}`);
            }
        }
    }
    return lines.join('\n');
}

describe('accessibility (axe-core, WCAG 2.1 A/AA)', () => {
    let server;
    let browser;

    before(async () => {
        server = await startServer(ROOT);
        browser = await launch();
    });

    after(async () => {
        await browser?.close();
        await server?.close();
    });

    /** Opens `p` at `viewport`, runs axe there, and returns its violations. */
    async function axeViolations(p, viewport, expectStatus, prepare) {
        const context = await browser.newContext({ viewport, locale: 'ro-RO' });
        try {
            const page = await context.newPage();
            const response = await page.goto(server.url(p), { waitUntil: 'load' });
            assert.equal(response?.status(), expectStatus, `${p}: HTTP status`);
            if (prepare) await prepare(page);
            const result = await runAxe(page, WCAG_TAGS);
            assert.ok(result.passes.length > 0, `${p}: axe ran no rule (is axe-core injected?)`);
            return result.violations;
        } finally {
            await context.close();
        }
    }

    // The harness itself: a page with a form field that has no label must be caught.
    it('catches a known violation (an unlabelled input)', async () => {
        const context = await browser.newContext({ viewport: DESKTOP });
        try {
            const page = await context.newPage();
            await page.setContent('<!DOCTYPE html><html lang="ro"><head><title>t</title></head>'
                + '<body><main><h1>t</h1><input type="text"></main></body></html>');
            const result = await runAxe(page, WCAG_TAGS);
            assert.ok(result.violations.some((v) => v.id === 'label'),
                `axe missed the unlabelled input; violations: ${result.violations.map((v) => v.id)}`);
        } finally {
            await context.close();
        }
    });

    for (const [label, p, status, prepare] of PAGES) {
        it(`${label}: ${p ?? '(no page of this template in sitemap.xml)'}`, async () => {
            assert.ok(p, `no page for template "${label}" in sitemap.xml`);
            const violations = await axeViolations(p, DESKTOP, status, prepare);
            assert.ok(violations.length === 0,
                `${violations.length} axe violation(s) on ${p} at ${DESKTOP.width}×${DESKTOP.height}:\n`
                + describeViolations(violations));
        });
    }

    // The phone layout hides and reflows things differently: check the two pages that get
    // screenshots there too.
    const decision = PAGES.find(([l]) => l === 'council decision')[1];
    for (const [label, p] of [['home', '/'], ['council decision', decision]]) {
        it(`${label} at ${PHONE.width}×${PHONE.height}: ${p}`, async () => {
            assert.ok(p, `no page for "${label}"`);
            const violations = await axeViolations(p, PHONE, 200);
            assert.ok(violations.length === 0,
                `${violations.length} axe violation(s) on ${p} at ${PHONE.width}×${PHONE.height}:\n`
                + describeViolations(violations));
        });
    }

    // WCAG 2.1 1.4.10 Reflow, which axe does not check: at 320 CSS px nothing may make the whole
    // page scroll sideways (a wide data table may scroll inside its own focusable container).
    it(`reflow: no page scrolls sideways at ${NARROW.width}px (WCAG 1.4.10)`, async () => {
        const problems = [];
        const context = await browser.newContext({ viewport: NARROW, locale: 'ro-RO' });
        try {
            const page = await context.newPage();
            for (const [label, p, status, prepare] of PAGES) {
                if (!p) continue; // reported by the template's own test above
                const response = await page.goto(server.url(p), { waitUntil: 'load' });
                assert.equal(response?.status(), status, `${p}: HTTP status`);
                if (prepare) await prepare(page);
                const found = await page.evaluate(() => {
                    const width = document.documentElement.clientWidth;
                    const overflow = document.documentElement.scrollWidth - width;
                    if (overflow <= 0) return null;
                    // The outermost elements that stick out (their parent does not).
                    const sticksOut = (el) => el && el.getBoundingClientRect().right > width + 0.5;
                    const culprits = [];
                    for (const el of document.body.querySelectorAll('*')) {
                        if (!sticksOut(el) || sticksOut(el.parentElement)) continue;
                        const r = el.getBoundingClientRect();
                        if (r.width === 0) continue;
                        const name = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : '');
                        const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
                        culprits.push(`${name} (${Math.round(r.width)}px wide, right edge at ${Math.round(r.right)}px): «${text}»`);
                    }
                    return { overflow, culprits };
                });
                if (found) {
                    problems.push(`${label} ${p}: ${found.overflow}px wider than the ${NARROW.width}px viewport`);
                    for (const c of found.culprits.slice(0, 8)) problems.push(`    ${c}`);
                }
            }
        } finally {
            await context.close();
        }
        assert.ok(problems.length === 0, `pages that scroll sideways at ${NARROW.width}px:\n${problems.join('\n')}`);
    });

    it('screenshots: home and a decision at 390×844 and 1280×900', async () => {
        assert.ok(decision, 'no council decision page in sitemap.xml');
        mkdirSync(SCREENSHOTS, { recursive: true });
        for (const [name, p] of [['home', '/'], ['decision', decision]]) {
            for (const viewport of [PHONE, DESKTOP]) {
                const context = await browser.newContext({ viewport, locale: 'ro-RO' });
                try {
                    const page = await context.newPage();
                    const response = await page.goto(server.url(p), { waitUntil: 'load' });
                    assert.equal(response?.status(), 200, `${p}: HTTP status`);
                    const file = path.join(SCREENSHOTS, `${name}-${viewport.width}x${viewport.height}.png`);
                    await page.screenshot({ path: file, fullPage: true });
                    assert.ok(statSync(file).size > 1000, `${file} is (nearly) empty`);
                } finally {
                    await context.close();
                }
            }
        }
    });
});
