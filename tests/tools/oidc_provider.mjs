// A real OpenID Connect provider for the tests: oidc-provider (npm, pinned in
// tests/package-lock.json) on 127.0.0.1, standing in for ROeID.
//
//   node tests/tools/oidc_provider.mjs PORT REDIRECT_URI [POST_LOGOUT_REDIRECT_URI]
//
// Confidential clients, PKCE (S256) required:
//   - `civic-test` / `civic-test-secret` (client_secret_basic), and `civic-test-post` with the
//     same secret (client_secret_post);
//   - `civic-test-rs256` and `civic-test-es256` (private_key_jwt): their public keys are derived
//     here from the test-only private keys in oidc_keys/ (rs256.pem with its RFC 7638
//     thumbprint as kid, es256.pem with the kid `civic-test-es256`), so civic's own JWK code is
//     not what the provider trusts. Their assertions must say sub = client_id, live at most
//     five minutes and be addressed as configured in tests/oidc.rs: rs256 to the issuer, es256
//     to the token endpoint.
// Environment, to stand in for providers that accept less: CIVIC_IDP_AUTH_METHODS (a comma
// list of token endpoint auth methods; clients with another method are not registered) and
// CIVIC_IDP_AUTH_ALGS (the client assertion algorithms, e.g. RS256). Its login page (`/interaction/{uid}`, a plain HTML form) takes any user name
// and a level: the level becomes the ID token's `acr` ("substantial" or "low"). Consent is given
// by the provider itself (first-party). A user whose name starts with `cnp-` also gets a `cnp`
// claim (from userinfo, with the profile scope), so the tests can check civic drops it. Prints `READY http://127.0.0.1:PORT` when up.
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider, { errors } from 'oidc-provider';

const [port = '0', redirectUri, postLogout] = process.argv.slice(2);
if (!redirectUri) {
  console.error('usage: oidc_provider.mjs PORT REDIRECT_URI [POST_LOGOUT_REDIRECT_URI]');
  process.exit(2);
}

// A CNP with a valid checksum, made up for the tests.
const FAKE_CNP = '1960101410019';

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The public JWK of a test-only private key (PEM), with its RFC 7638 thumbprint when no kid.
const publicJwk = (file, alg, kid) => {
  const jwk = createPublicKey(readFileSync(new URL(`oidc_keys/${file}`, import.meta.url))).export({ format: 'jwk' });
  const required = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const thumbprint = createHash('sha256').update(JSON.stringify(required)).digest('base64url');
  return { ...jwk, alg, use: 'sig', kid: kid ?? thumbprint };
};

const client = (client_id, token_endpoint_auth_method, more) => ({
  client_id,
  redirect_uris: [redirectUri],
  post_logout_redirect_uris: postLogout ? [postLogout] : [],
  token_endpoint_auth_method,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...more,
});
const methods = process.env.CIVIC_IDP_AUTH_METHODS?.split(',');
const algs = process.env.CIVIC_IDP_AUTH_ALGS?.split(',');
const clients = [
  client('civic-test', 'client_secret_basic', { client_secret: 'civic-test-secret' }),
  client('civic-test-post', 'client_secret_post', { client_secret: 'civic-test-secret' }),
  client('civic-test-rs256', 'private_key_jwt', { jwks: { keys: [publicJwk('rs256.pem', 'RS256')] } }),
  client('civic-test-es256', 'private_key_jwt', { jwks: { keys: [publicJwk('es256.pem', 'ES256', 'civic-test-es256')] } }),
].filter((c) => !methods || methods.includes(c.token_endpoint_auth_method))
  .filter((c) => !algs || !c.jwks || algs.includes(c.jwks.keys[0].alg));

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients,
  ...(methods && { clientAuthMethods: methods }),
  ...(algs && { enabledJWA: { clientAuthSigningAlgValues: algs } }),
  async assertJwtClientAuthClaimsAndHeader(ctx, claims, header, client) {
    const aud = client.clientId === 'civic-test-es256' ? `${issuer}/token` : issuer;
    if (claims.aud !== aud) throw new errors.InvalidClientAuth(`aud must be ${aud}`);
    if (claims.sub !== client.clientId) throw new errors.InvalidClientAuth('sub must be the client_id');
    if (!(claims.iat <= claims.exp && claims.exp - claims.iat <= 300)) {
      throw new errors.InvalidClientAuth('the assertion must live at most 5 minutes');
    }
  },
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
