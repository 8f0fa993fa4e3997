// The petition page's map of confirmed signatures by district: each district of
// /data/district.json shaded by its count (no tiles: the API's pages load nothing from other
// sites), a district's name and count on hover, and a legend under it. The table of counts by
// district after it holds the same figures for screen readers and browsers without JavaScript
// (the map stays hidden then). The shades are the legend's CSS classes (`.shade-0` … `.shade-5`
// in site.css), so the colours live in one place. petition.js sends each new count (the
// `petition-counts` event) and the map re-shades.
(function () {
    'use strict';
    const el = document.getElementById('petition-map');
    if (!el || typeof L === 'undefined') return;
    const legend = document.getElementById('petition-map-legend');
    const SHADES = 5;
    let counts = JSON.parse(el.dataset.counts || '{}');
    let layer = null;
    let fills = [];

    // Upper bounds of the shades 1..5: equal steps up to the biggest count, without repeats
    // (with 3 signatures at most there are 3 shades: 1, 2, 3).
    function bounds(max) {
        const out = [];
        for (let k = 1; k <= SHADES; k++) {
            const b = Math.ceil((max * k) / SHADES);
            if (b > 0 && !out.includes(b)) out.push(b);
        }
        return out;
    }
    function shadeOf(n, limits) {
        if (!n) return 0;
        const i = limits.findIndex((b) => n <= b);
        // Spread fewer bounds over the darker shades so the biggest count is always the darkest.
        return SHADES - limits.length + 1 + i;
    }
    // The shade's colour as the stylesheet gives it to the legend's swatch.
    function colour(shade) {
        const probe = document.createElement('span');
        probe.className = `swatch shade-${shade}`;
        legend.appendChild(probe);
        const c = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return c;
    }
    function number(n) { return n.toLocaleString('ro-RO'); }

    function draw() {
        const max = Math.max(0, ...Object.values(counts));
        const limits = bounds(max);
        layer.eachLayer((l) => {
            const n = counts[l.feature.properties.id] || 0;
            l.setStyle({ fillColor: fills[shadeOf(n, limits)] });
            l.setTooltipContent(`${l.feature.properties.title}: ${number(n)} ${n === 1 ? 'semnătură' : 'semnături'}`);
        });
        const rows = [[0, 'fără semnături']];
        limits.forEach((b, i) => {
            const from = i === 0 ? 1 : limits[i - 1] + 1;
            rows.push([SHADES - limits.length + 1 + i, from === b ? number(b) : `${number(from)}–${number(b)}`]);
        });
        legend.replaceChildren(...rows.map(([shade, text]) => {
            const li = document.createElement('li');
            const swatch = document.createElement('span');
            swatch.className = `swatch shade-${shade}`;
            li.append(swatch, text);
            return li;
        }));
    }

    fetch(el.dataset.districts).then((r) => r.json()).then((data) => {
        el.hidden = false;
        legend.hidden = false;
        const map = L.map(el, { zoomControl: true, attributionControl: false });
        layer = L.geoJSON(data.items.filter((d) => d.geometry).map((d) => ({
            type: 'Feature', geometry: d.geometry, properties: { id: d.id, title: d.title },
        })), {
            style: (f) => ({ weight: 1, color: '#333', fillOpacity: 0.85, className: `district-${f.properties.id}` }),
            onEachFeature: (f, l) => l.bindTooltip('', { sticky: true }),
        }).addTo(map);
        map.fitBounds(layer.getBounds());
        fills = Array.from({ length: SHADES + 1 }, (_, s) => colour(s));
        draw();
    }).catch(() => {});

    document.addEventListener('petition-counts', (e) => {
        counts = e.detail.by_district || {};
        if (layer) draw();
    });
})();
