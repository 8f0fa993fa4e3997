// The map page's enhancement (no inline script, so a strict CSP holds): Leaflet draws the
// GeoJSON layers the build published under /data/geo/. Everything drawn is also in the page's
// lists, and the list under the map names every feature shown, with a link to its page and a
// button that shows it on the map, so the map can be used from the keyboard alone.
(function () {
    'use strict';
    const el = document.getElementById('harta');
    if (!el || !window.L) return;
    const form = document.getElementById('harta-filtre');
    const section = document.getElementById('harta-lista-sectiune');
    const list = document.getElementById('harta-lista');
    const status = document.getElementById('harta-stare');
    const [w, s, e, n] = el.dataset.bbox.split(',').map(Number);
    const map = L.map(el, { keyboard: true }).fitBounds([[s, w], [n, e]]);
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    const COLOURS = { works: '#b3261e', restrictions: '#7a4100', services: '#0b6e4f', offices: '#0b4f8a' };
    const NAMES = { works: 'Lucrare', restrictions: 'Restricție', services: 'Colectare', offices: 'Birou' };
    const LAYERS = Object.keys(COLOURS);
    const data = {};
    let drawn = L.layerGroup().addTo(map);

    function text(tag, content, cls) {
        const node = document.createElement(tag);
        node.textContent = content;
        if (cls) node.className = cls;
        return node;
    }

    function link(href, content) {
        const a = text('a', content);
        a.href = href;
        return a;
    }

    /** Whether a work is shown for the chosen period, by the reader's clock. */
    function inPeriod(p, period) {
        if (p.status === 'anulat' || p.status === 'finalizat') return false;
        const now = Date.now();
        const start = Date.parse(p.start);
        const end = Date.parse(p.end);
        if (period === 'now') return start <= now && end >= now;
        if (period === 'week') return start <= now + 7 * 86400000 && end >= now;
        return start > now;
    }

    function popup(layer, p) {
        const box = document.createElement('div');
        box.appendChild(text('strong', NAMES[layer] + ': '));
        box.appendChild(link(p.url, p.title || p.name));
        const line = (t) => t && box.appendChild(text('p', t));
        if (layer === 'works' || layer === 'restrictions') {
            line(p.kind_label + ' · ' + p.status_label + ' · ' + p.restriction_label);
            line(p.period_text + (p.schedule ? ' · ' + p.schedule : ''));
            line(p.streets_text);
        } else if (layer === 'services') {
            for (const sc of p.schedules) line(sc.fraction_label + ': ' + sc.rule + ', ' + sc.from + '–' + sc.to);
        } else {
            line(p.address);
            line(p.hours);
        }
        return box;
    }

    function redraw() {
        const chosen = new FormData(form);
        const layers = chosen.getAll('layer');
        const period = chosen.get('period');
        drawn.remove();
        drawn = L.layerGroup().addTo(map);
        list.replaceChildren();
        const seen = new Set();
        let count = 0;
        for (const layer of LAYERS) {
            if (!layers.includes(layer) || !data[layer]) continue;
            const features = data[layer].features.filter((f) =>
                layer === 'works' || layer === 'restrictions' ? inPeriod(f.properties, period) : true);
            L.geoJSON({ type: 'FeatureCollection', features }, {
                style: () => ({ color: COLOURS[layer], weight: 5, opacity: 0.85, fillOpacity: 0.15 }),
                pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 8, color: COLOURS[layer], fillOpacity: 0.7 }),
                onEachFeature: (f, shape) => {
                    shape.bindPopup(popup(layer, f.properties));
                    const key = layer + ':' + f.id;
                    if (seen.has(f.id)) return;
                    seen.add(f.id);
                    count += 1;
                    const li = document.createElement('li');
                    li.className = 'row';
                    li.appendChild(text('span', NAMES[layer] + ': ', 'kind'));
                    li.appendChild(link(f.properties.url, f.properties.title || f.properties.name));
                    const button = text('button', 'Arată pe hartă', 'show-on-map');
                    button.type = 'button';
                    button.dataset.key = key;
                    button.addEventListener('click', () => {
                        if (shape.getBounds) map.fitBounds(shape.getBounds(), { maxZoom: 17 });
                        else map.setView(shape.getLatLng(), 17);
                        shape.openPopup();
                        el.focus();
                    });
                    li.appendChild(document.createTextNode(' '));
                    li.appendChild(button);
                    list.appendChild(li);
                },
            }).addTo(drawn);
        }
        status.textContent = count === 1 ? 'Un element pe hartă.' : count + ' elemente pe hartă.';
    }

    Promise.all(LAYERS.map((layer) => fetch(el.dataset['layer' + layer[0].toUpperCase() + layer.slice(1)])
        .then((r) => (r.ok ? r.json() : null))
        .then((json) => { data[layer] = json; })
        .catch(() => { data[layer] = null; })))
        .then(() => {
            form.hidden = false;
            section.hidden = false;
            form.addEventListener('change', redraw);
            redraw();
        });
}());
