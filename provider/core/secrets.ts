/**
 * Every credential the provider handles is remembered here so that no message, log line or
 * wrapped error can carry it: `redact` is applied to all text that leaves the provider.
 */
const known = new Set<string>();

export function rememberSecret(value: string | undefined): void {
  if (value && value.length >= 4) known.add(value);
}

const headerPatterns = [
  /(authorization\s*[:=]\s*"?\s*bearer\s+)[^\s",}]+/gi,
  /((?:private-token|apim-accesstoken|apim-signature)\s*[:=]\s*"?)[^\s",}]+/gi,
  /("?(?:token|appSecret|accessToken|encryption)"?\s*[:=]\s*")[^"]+/gi,
];

export function redact(text: string): string {
  let out = text;
  for (const secret of known) out = out.split(secret).join("[secret]");
  for (const pattern of headerPatterns) out = out.replace(pattern, "$1[secret]");
  return out;
}
