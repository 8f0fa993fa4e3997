// Shared helpers for the browser tests: where the built site is, a tiny static file server
// for it, a Chromium launcher, axe-core run in a page, and `eventually`, which retries an
// assertion on something that changes. Not a test file itself (node --test only runs *.test.mjs
// here), and it depends on nothing but Node, playwright-core and axe-core.
//
// The site to test is given by SITE_DIR (tests/run.sh builds the sample site into a temp dir
// and sets it). Nothing here talks to anything but 127.0.0.1.

import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

/** tests/ (the folder holding package.json and node_modules). */
export const TESTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where screenshots and other artefacts go (gitignored as /tests/output). */
export const OUTPUT_DIR = path.join(TESTS_DIR, 'output');

/** The built site, from SITE_DIR; throws (so every test fails loudly) when it is missing. */
export function siteDir() {
    const dir = process.env.SITE_DIR;
    if (!dir) {
        throw new Error('SITE_DIR is not set: build the site first (bash tests/run.sh does it), '
            + 'e.g. cargo run --release -p civic -- build --out "$SITE" and SITE_DIR="$SITE"');
    }
    const abs = path.resolve(dir);
    if (!existsSync(path.join(abs, 'index.html'))) {
        throw new Error(`SITE_DIR=${dir} holds no index.html: is it a built site?`);
    }
    return abs;
}

const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.htm': 'text/html; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.xml': 'application/xml; charset=utf-8',
    '.ics': 'text/calendar; charset=utf-8',
    '.csv': 'text/csv; charset=utf-8',
    '.txt': 'text/plain; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.gif': 'image/gif',
    '.webp': 'image/webp',
    '.avif': 'image/avif',
    '.ico': 'image/x-icon',
    '.pdf': 'application/pdf',
    '.wasm': 'application/wasm',
    '.woff': 'font/woff',
    '.woff2': 'font/woff2',
    // Pagefind's index files.
    '.pf_meta': 'application/octet-stream',
    '.pf_fragment': 'application/octet-stream',
    '.pf_index': 'application/octet-stream',
};

/** The Content-Type the server sends for a file name. */
export function contentType(file) {
    return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function fileAt(p) {
    try {
        const st = statSync(p);
        return st.isFile() ? st : null;
    } catch {
        return null;
    }
}

/**
 * Serves `root` on 127.0.0.1 at a random free port, as a static host would: `/dir/` serves
 * `dir/index.html`, `/dir` redirects to `/dir/`, a missing path gets `404.html` with status 404.
 * Every request whose answer was 404 is kept in `server.notFound`, except under `/api/`.
 * Returns { origin, url(path), notFound, close() }.
 */
export async function startServer(root = siteDir()) {
    root = path.resolve(root);
    const notFound = [];

    const server = createServer((req, res) => {
        const send404 = async () => {
            // `/api/` is the API, another service that is absent here: pages must work without it
            // (the header's account status and the home page's petitions then stay as they are).
            if (!new URL(req.url, 'http://x').pathname.startsWith('/api/')) notFound.push(req.url);
            const page = path.join(root, '404.html');
            const body = fileAt(page) ? await readFile(page) : Buffer.from('404 Not Found\n');
            res.writeHead(404, {
                'Content-Type': fileAt(page) ? TYPES['.html'] : TYPES['.txt'],
                'Content-Length': body.length,
                'Cache-Control': 'no-store',
            });
            res.end(req.method === 'HEAD' ? undefined : body);
        };

        if (req.method !== 'GET' && req.method !== 'HEAD') {
            res.writeHead(405, { Allow: 'GET, HEAD' }).end();
            return;
        }
        let pathname;
        try {
            pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
        } catch {
            res.writeHead(400).end();
            return;
        }
        const resolved = path.resolve(root, '.' + pathname);
        if (pathname.includes('\0') || (resolved !== root && !resolved.startsWith(root + path.sep))) {
            send404();
            return;
        }

        let file = resolved;
        let st = null;
        try {
            st = statSync(resolved);
        } catch {
            st = null;
        }
        if (st?.isDirectory()) {
            if (!pathname.endsWith('/')) {
                const u = new URL(req.url, 'http://127.0.0.1');
                res.writeHead(301, { Location: u.pathname + '/' + u.search }).end();
                return;
            }
            file = path.join(resolved, 'index.html');
            st = fileAt(file);
        } else if (st && !st.isFile()) {
            st = null;
        }
        if (!st) {
            send404();
            return;
        }
        res.writeHead(200, {
            'Content-Type': contentType(file),
            'Content-Length': st.size,
            'Cache-Control': 'no-store',
        });
        if (req.method === 'HEAD') {
            res.end();
            return;
        }
        createReadStream(file).on('error', () => res.destroy()).pipe(res);
    });

    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    const origin = `http://127.0.0.1:${port}`;
    return {
        origin,
        root,
        notFound,
        url: (p = '/') => new URL(p, origin).href,
        close: () => new Promise((resolve) => {
            server.closeAllConnections?.();
            server.close(() => resolve());
        }),
    };
}

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's Chromium, headless; playwright-core never downloads a browser of its own. */
export function launch() {
    return chromium.launch({
        executablePath: CHROMIUM,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-quic',
        ],
    });
}

/** Site paths (like `/hotarari/`) of every page in the site's sitemap.xml. */
export async function sitemapPaths(root = siteDir()) {
    const xml = await readFile(path.join(root, 'sitemap.xml'), 'utf8');
    return [...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((m) => {
        const u = new URL(m[1].replace(/&amp;/g, '&'));
        return decodeURIComponent(u.pathname);
    });
}

/**
 * Runs `assertion` (async, throwing when what it checks is not so yet) until it passes, and
 * returns its value; after `timeout` ms, fails with its last error. For everything that changes
 * after an action (a count after a key press, a text after a click or a fetch): the page may not
 * have caught up when the assertion first runs, least of all on a loaded machine.
 */
export async function eventually(assertion, { timeout = 10_000, interval = 50 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
        try {
            return await assertion();
        } catch (e) {
            if (Date.now() >= deadline) {
                e.message = `still failing after ${timeout} ms: ${e.message}`;
                throw e;
            }
        }
        await new Promise((ok) => setTimeout(ok, interval));
    }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's result for `page` with the rules of `tags`. axe is evaluated in the page rather
 * than added as a script element, which a Content-Security-Policy without 'unsafe-inline' (the
 * API's) rightly blocks: evaluating from the test runner is not subject to the page's policy,
 * so the page is checked under the headers it is served with.
 */
export async function runAxe(page, tags, resultTypes = ['violations']) {
    if (!await page.evaluate(() => 'axe' in globalThis)) await page.evaluate(AXE_SOURCE);
    return page.evaluate(([t, r]) => globalThis.axe.run(document, {
        runOnly: { type: 'tag', values: t },
        resultTypes: r,
    }), [tags, resultTypes]);
}
