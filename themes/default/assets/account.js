// The header's "Contul meu": once the page has loaded, ask the API who is signed in (a small
// same-origin JSON answer that is never cached) and, for someone signed in, show their name and
// the "Ieșire" button. Without JavaScript, or without the API, the link simply opens the account
// page, which asks to log in when needed.
(function () {
  'use strict';
  var link = document.getElementById('cont-meu');
  var logout = document.getElementById('iesire');
  if (!link || !logout || !window.fetch) return;
  fetch('/api/cont/stare', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (status) {
      if (!status || !status.signed_in) return;
      link.textContent = status.name;
      link.setAttribute('title', 'Contul meu');
      logout.hidden = false;
    })
    .catch(function () { /* the link still works */ });
})();
