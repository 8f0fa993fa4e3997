// The home page's "Petiții" block: the open petitions with the most confirmed signatures, from
// the API's open data (`/api/petitions.json`). Without JavaScript, or without the API, the
// block's links to the list and to a new petition are there all the same.
(function () {
  'use strict';
  // 1 semnătură, 5 semnături, 25 de semnături (Romanian plural with "de" from 20).
  function signatures(n) {
    if (n === 1) return '1 semnătură';
    return n + (n % 100 >= 20 || (n % 100 === 0 && n !== 0) ? ' de semnături' : ' semnături');
  }
  var list = document.getElementById('petitii-deschise');
  if (!list || !window.fetch) return;
  fetch('/api/petitions.json', { headers: { Accept: 'application/json' } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !Array.isArray(data.items)) return;
      var open = data.items.filter(function (p) { return p.status === 'open'; });
      open.sort(function (a, b) { return (b.confirmed || 0) - (a.confirmed || 0); });
      if (open.length === 0) {
        var none = document.createElement('li');
        none.textContent = 'Nicio petiție deschisă acum.';
        list.appendChild(none);
      }
      open.slice(0, 5).forEach(function (p) {
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = '/api/petitii/' + encodeURIComponent(p.id);
        link.textContent = p.title;
        item.appendChild(link);
        item.appendChild(document.createTextNode(' — ' + signatures(Number(p.confirmed) || 0)));
        list.appendChild(item);
      });
      list.hidden = false;
    })
    .catch(function () { /* the links still work */ });
})();
