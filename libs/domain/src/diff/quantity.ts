/**
 * Kubernetes resource quantities ("500m", "0.5", "1Gi", "1024Mi", "1e3") compared by value.
 * Values are scaled to nano-units as BigInt so decimal and binary suffixes compare exactly.
 */
const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXP: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** Value in nano-units, or undefined when `input` is not a quantity. Precision below 1n rounds up, as the API server does. */
export function quantityNanos(input: unknown): bigint | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    input = String(input);
  }
  if (typeof input !== 'string') return undefined;
  const m = QUANTITY.exec(input.trim());
  if (!m) return undefined;
  const [, sign, num, suffix, exp] = m;
  const [intPart, fracPart = ''] = num!.split('.');
  let mantissa = BigInt((intPart || '0') + fracPart);
  let exp10 = -fracPart.length + 9;
  let binary = 1n;
  if (suffix !== undefined && suffix in BINARY) binary = BINARY[suffix]!;
  else if (suffix !== undefined) exp10 += DECIMAL_EXP[suffix]!;
  else if (exp !== undefined) exp10 += Number(exp);
  mantissa *= binary;
  let value: bigint;
  if (exp10 >= 0) {
    value = mantissa * 10n ** BigInt(exp10);
  } else {
    const div = 10n ** BigInt(-exp10);
    value = mantissa / div + (mantissa % div === 0n ? 0n : 1n);
  }
  return sign === '-' ? -value : value;
}

export function quantitiesEqual(a: unknown, b: unknown): boolean {
  const x = quantityNanos(a);
  return x !== undefined && x === quantityNanos(b);
}
