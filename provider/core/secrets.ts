/**
 * Every credential the provider handles is remembered here so that no message, log line or
 * wrapped error can carry it: `redact` is applied to all text that leaves the provider.
 */
const known = new Set<string>();

/** Remembers a credential, as given and without surrounding whitespace (a pasted token's newline). */
export function rememberSecret(value: unknown): void {
  if (typeof value !== "string") return;
  for (const form of [value, value.trim()]) if (form.length >= 4) known.add(form);
}

const patterns: [RegExp, string][] = [
  [/(authorization"?\s*[:=]\s*"?\s*(?:bearer|basic)\s+)[^\s",}]+/gi, "$1[secret]"],
  [/((?:private-token|apim-accesstoken|apim-signature)"?\s*[:=]\s*"?)[^\s",}]+/gi, "$1[secret]"],
  [/("?(?:token|appSecret|accessToken|encryption|password)"?\s*[:=]\s*")[^"]+/gi, "$1[secret]"],
  // A credential in a URL: its query (?private_token=...) or its user info (https://user:token@host).
  [/([?&;](?:private[_-]?token|access[_-]?token|token|key|secret|password)=)[^&#\s"']+/gi, "$1[secret]"],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi, "$1[secret]@"],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of known) out = out.split(secret).join("[secret]");
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

const MAX_SHOWN = 1200;

/**
 * Text as it may leave the provider (an error, a check failure, a log line): no secret, on
 * one line whatever a server put in the messages it quotes, and of a readable length (the
 * middle gives way, so the call named first and the fix named last both stay).
 */
export function safeText(text: string): string {
  const line = redact(text).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
  if (line.length <= MAX_SHOWN) return line;
  const half = Math.floor((MAX_SHOWN - 5) / 2);
  return `${line.slice(0, half)} ... ${line.slice(-half)}`;
}
