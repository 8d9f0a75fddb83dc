// The shapes of secrets masked in evidence: where they come from (gitleaks, detect-secrets, Bamboo) and how each is found.

/**
 * Each expression has exactly three groups: 1 is kept before the secret, 2 is the secret, 3 is kept after it (often
 * empty). A value in quotes keeps its quotes. Bounded quantifiers keep every expression linear on a long line (the
 * test runs them through the same super-linear check as `rules lint`).
 *
 * Where they come from: the token shapes are gitleaks' default rules (config/gitleaks.toml; ids given below), kept
 * to the services a CI log meets. gitleaks' keyword-anchored generic rule and detect-secrets' KeywordDetector and
 * BasicAuthDetector give the name=value and URL forms; Bamboo itself hides variables whose names hold password,
 * secret or passphrase. Neither tool is used as a library: detect-secrets is Python, and secretlint (the Node
 * tool) lints files asynchronously and reports rather than masks, while a diagnosis is made synchronously.
 */
export interface SecretPattern {
  id: string;
  re: RegExp;
}

/** A value: quoted (up to its closing quote on the line) or up to the next blank, quote or separator. */
const VALUE = `"[^"\\n]{1,500}"|'[^'\\n]{1,500}'|[^\\s"'&;,<>]{1,500}`;

/** Names whose value is a secret (detect-secrets KeywordDetector's denylist, Bamboo's password/secret/passphrase). */
const SECRET_NAME = 'password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|storepass|keypass|credentials';

const p = (id: string, source: string, flags = 'g'): SecretPattern => ({ id, re: new RegExp(source, flags) });

export const SECRET_PATTERNS: SecretPattern[] = [
  // gitleaks private-key: the whole block (or up to the end of the text when its end was cut).
  p('private-key', '(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)([\\s\\S]+?)(-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|$)'),
  // detect-secrets BasicAuthDetector: scheme://user:password@host (git remotes, Maven repositories, npm registries).
  p('url-credentials', '\\b([a-z][a-z0-9+.-]{1,20}://[^\\s:@/\'"]{0,256}:)([^\\s@/\'"]{1,256})(@)', 'gi'),
  // gitleaks curl-auth-header: Authorization: Bearer|Basic|token …
  p(
    'authorization-header',
    '\\b((?:Proxy-)?Authorization["\']?[ \\t]*[:=][ \\t]*["\']?(?:(?:Bearer|Basic|Token|Digest|Negotiate|NTLM|Bot|OAuth|AWS4-HMAC-SHA256)[ \\t]+)?)([^\\s\'",;]{1,2000})()',
    'gi',
  ),
  p('bearer-token', '\\b(Bearer[ \\t]+)([A-Za-z0-9._~+/=-]{16,2000})()'),
  // A command's option followed by its value: --password x, --token=x, -storepass x (keytool).
  p('option-value', `((?:^|\\s)--?(?:password|passwd|pass|token|secret|api-?key|access-?key|secret-?key|auth-?token|client-?secret|passphrase|storepass|keypass|srcstorepass|deststorepass)(?:=|[ \\t]+))((?!-)(?:${VALUE}))()`, 'gi'),
  // docker|podman|helm|oc|az … login -p x; mysql -u root -p x. A lone -p means other things elsewhere (mkdir -p, docker run -p).
  p('login-p', `((?:\\blogin\\b|(?:^|\\s)-u[ \\t]*[^\\s-]\\S{0,100})[^\\n]{0,300}?\\s-p[ \\t]+)(${VALUE})()`),
  p('login-p-attached', `((?:^|\\s)-u[ \\t]*[^\\s-]\\S{0,100}[^\\n]{0,300}?\\s-p)([^\\s"'-][^\\s"']{0,200})()`),
  // curl -u user:password
  p('curl-user', '((?:^|\\s)(?:-u|--user)[ \\t]+[^\\s:\'"]{1,200}:)([^\\s\'"]{1,500})()'),
  // NAME=value where the name holds a secret word: bamboo_db_password=…, AWS_SECRET_ACCESS_KEY=…, _authToken=…
  p('secret-assignment', `((?:${SECRET_NAME})[\\w.-]{0,60}["']?[ \\t]*(?::=|=>|=)[ \\t]*)(${VALUE})()`, 'gi'),
  // name: value (YAML, JSON, prose): quoted, or holding something besides letters, so "token: expired" stays readable.
  p('secret-colon', `((?:${SECRET_NAME})[\\w.-]{0,60}["']?[ \\t]*:[ \\t]*)("[^"\\n]{1,500}"|'[^'\\n]{1,500}'|(?=[^\\s"'&;,<>]{0,500}[^A-Za-z\\s"'&;,<>])[^\\s"'&;,<>]{1,500})()`, 'gi'),
  // gitleaks aws-access-token
  p('aws-access-token', '\\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)([A-Z2-7]{16})()\\b'),
  // gitleaks github-pat, github-oauth, github-app-token, github-refresh-token, github-fine-grained-pat
  p('github-token', '\\b(gh[pousr]_)([0-9a-zA-Z]{36})()\\b'),
  p('github-fine-grained-pat', '\\b(github_pat_)(\\w{82})()'),
  // gitleaks gitlab-pat, gitlab-deploy-token, gitlab-runner-authentication-token, gitlab-ptt, …
  p('gitlab-token', '\\b(gl(?:pat|dt|rt|ptt|cbt|ft|oas|agent|imt|soat|ffct)-)([\\w.-]{20,300})()'),
  // gitleaks atlassian-api-token (ATATT3…); Bitbucket app passwords (ATBB…) and access tokens (ATCTT3…)
  p('atlassian-token', '\\b(AT(?:ATT|BB|CTT))([A-Za-z0-9_=-]{24,300})()'),
  // gitleaks npm-access-token
  p('npm-access-token', '\\b(npm_)([a-z0-9]{36})()\\b', 'gi'),
  // gitleaks slack-bot-token, slack-user-token, slack-legacy-*, slack-config-*, slack-app-token, slack-webhook-url
  p('slack-token', '\\b(xox[abeoprs]-|xoxe\\.xox[bp]-)([0-9A-Za-z-]{8,300})()'),
  p('slack-app-token', '\\b(xapp-)(\\d-[A-Z0-9]{1,50}-\\d{1,30}-[a-z0-9]{1,100})()', 'gi'),
  p('slack-webhook-url', '(hooks\\.slack\\.com/(?:services|workflows|triggers)/)([A-Za-z0-9+/]{43,56})()'),
  // gitleaks jwt (the signature part optional, so a token cut short is still found)
  p('jwt', '\\b()(ey[\\w-]{17,4000}\\.ey[\\w/\\\\-]{17,8000}(?:\\.[\\w/\\\\-]{0,4000}={0,2})?)()'),
  // gitleaks artifactory-api-key, artifactory-reference-token
  p('artifactory-token', '\\b(AKCp|cmVmd)([A-Za-z0-9]{59,69})()\\b'),
  // gitleaks sonar-api-token (SonarQube's own prefixes), pypi-upload-token, vault-service-token, gcp-api-key
  p('sonar-token', '\\b(sq[apu]_)([a-f0-9]{40})()\\b'),
  p('pypi-token', '\\b(pypi-)(AgEIcHlwaS5vcmc[\\w-]{50,1000})()'),
  p('vault-token', '\\b(hv[sb]\\.)([\\w-]{90,300})()'),
  p('gcp-api-key', '\\b(AIza)([\\w-]{35})()\\b'),
  // Docker Hub personal access tokens (docker login -p dckr_pat_…)
  p('docker-hub-pat', '\\b(dckr_pat_)([\\w-]{20,100})()'),
];
