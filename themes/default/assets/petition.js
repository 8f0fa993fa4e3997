// The petition page's live count: polls the last aggregated count (a small cacheable JSON
// document) every few seconds and updates the numbers; without JavaScript the page shows the
// count as it was when loaded. Screen readers hear the update through the role="status" line.
// Each new count is also sent as a `petition-counts` event (petition-map.js re-shades its map).
const box = document.querySelector('[data-count-url]');
if (box) {
    const show = (field, value) => {
        const el = box.querySelector(`[data-field="${field}"]`);
        if (el && el.textContent !== String(value)) el.textContent = String(value);
    };
    let last = null;
    const refresh = async () => {
        try {
            const r = await fetch(box.dataset.countUrl, { headers: { accept: 'application/json' } });
            if (!r.ok) return;
            const c = await r.json();
            show('confirmed', c.confirmed);
            show('verified', c.verified);
            document.dispatchEvent(new CustomEvent('petition-counts', { detail: c }));
            if (last !== null && last !== c.confirmed) {
                show('status', `Acum ${c.confirmed} semnături confirmate.`);
            }
            last = c.confirmed;
        } catch {
            show('status', 'Numărătoarea nu se poate actualiza acum; reîncărcați pagina mai târziu.');
        }
    };
    setInterval(refresh, 5000);
}
