// A real OpenID Connect provider for the tests: oidc-provider (npm, pinned in
// tests/package-lock.json) on 127.0.0.1, standing in for ROeID.
//
//   node tests/tools/oidc_provider.mjs PORT REDIRECT_URI [POST_LOGOUT_REDIRECT_URI]
//
// One confidential client, `civic-test` / `civic-test-secret` (client_secret_basic), PKCE
// (S256) required. Its login page (`/interaction/{uid}`, a plain HTML form) takes any user name
// and a level: the level becomes the ID token's `acr` ("substantial" or "low"). Consent is given
// by the provider itself (first-party). A user whose name starts with `cnp-` also gets a `cnp`
// claim (from userinfo, with the profile scope), so the tests can check civic drops it. Prints `READY http://127.0.0.1:PORT` when up.
import Provider from 'oidc-provider';

const [port = '0', redirectUri, postLogout] = process.argv.slice(2);
if (!redirectUri) {
  console.error('usage: oidc_provider.mjs PORT REDIRECT_URI [POST_LOGOUT_REDIRECT_URI]');
  process.exit(2);
}

// A CNP with a valid checksum, made up for the tests.
const FAKE_CNP = '1960101410019';

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: 'civic-test',
    client_secret: 'civic-test-secret',
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: postLogout ? [postLogout] : [],
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  acrValues: ['low', 'substantial'],
  // Code flow: the profile claims come from userinfo (the ID token carries sub, acr, nonce).
  claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name', 'cnp'], acr: null },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // No "do you want to log out?" page: the tests go straight back to civic.
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><title>Ieșire</title><body>${form}<script>document.forms[0].submit()</script></body>`;
      },
    },
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, given_name: 'Ana', family_name: `Test ${id}` };
        if (id.startsWith('cnp-')) claims.cnp = FAKE_CNP;
        return claims;
      },
    };
  },
  // First-party provider: every scope the client asks for is granted without a consent page.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  extraParams: ['ui_locales'],
  cookies: { keys: ['civic-test-cookie-key'] },
});
provider.proxy = false;

// The login page: a plain HTML form (works without JavaScript, like civic's own pages).
provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!m) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html lang="ro"><meta charset="utf-8"><title>Furnizor de test</title>
<h1>Furnizor de identitate de test</h1><p>Client: ${escape(details.params.client_id)}</p>
<form method="post" action="/interaction/${escape(details.uid)}/login">
<label>Utilizator <input name="login" required></label>
<label>Nivel <select name="level"><option value="substantial">substanțial</option><option value="low">scăzut</option></select></label>
<button type="submit">Autentificare</button></form>`;
    return;
  }
  if (ctx.method === 'POST' && m[2]) {
    const body = await new Promise((resolve) => {
      let data = '';
      ctx.req.on('data', (c) => { data += c; });
      ctx.req.on('end', () => resolve(new URLSearchParams(data)));
    });
    const login = body.get('login') || 'anonim';
    const acr = body.get('level') === 'low' ? 'low' : 'substantial';
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login, acr } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }
  return next();
});

const server = provider.listen(Number(port), '127.0.0.1', () => {
  const actual = server.address().port;
  if (Number(port) !== actual) {
    console.error('give the port explicitly: the issuer must name it');
    process.exit(2);
  }
  console.log(`READY ${issuer}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
