// The alert form's map: the districts drawn as the background (no tiles: the API's pages load
// nothing from other sites), a click adds a corner of the area, the corners go into the form's
// `polygon` field as [lon, lat] pairs. Without JavaScript the form offers the districts.
(function () {
    'use strict';
    const el = document.getElementById('alert-map');
    if (!el || typeof L === 'undefined') return;
    const field = document.getElementById('polygon');
    const status = document.getElementById('alert-map-status');
    el.hidden = false;
    document.getElementById('alert-map-hint').hidden = false;
    document.getElementById('alert-map-tools').hidden = false;
    const map = L.map(el, { zoomControl: true });
    map.setView([45.7537, 21.2257], 12);
    fetch(el.dataset.districts).then((r) => r.json()).then((data) => {
        const layer = L.geoJSON(data.items.map((d) => ({ type: 'Feature', geometry: d.geometry, properties: { title: d.title } })), {
            style: { weight: 1, color: '#555', fillOpacity: 0.05 }, interactive: false,
        }).addTo(map);
        map.fitBounds(layer.getBounds());
    }).catch(() => {});
    let corners = [];
    const shape = L.polygon([], { color: '#b00020', interactive: false }).addTo(map);
    function update() {
        shape.setLatLngs(corners);
        field.value = corners.length >= 3 ? JSON.stringify(corners.map((c) => [c.lng, c.lat])) : '';
        if (corners.length >= 3) document.getElementById('area-polygon').checked = true;
        status.textContent = corners.length + (corners.length === 1 ? ' colț' : ' colțuri');
    }
    map.on('click', (e) => { corners.push(e.latlng); update(); });
    document.getElementById('alert-map-clear').addEventListener('click', () => { corners = []; update(); });
})();
