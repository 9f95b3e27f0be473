/**
 * Kubernetes resource quantities ("500m", "1.5Gi", "2e3", "128974848") as numbers: the serialization of
 * k8s.io/apimachinery/pkg/api/resource.Quantity. Pure.
 *
 *   <quantity> ::= <signedNumber><suffix>
 *   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | e<n> | E<n>
 */

const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Powers of ten of the decimal suffixes. */
const DECIMAL: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

// The exponent form comes before the bare "E" (exa): "1E3" is 1000, "1E" is 10^18.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$/;

/** The quantity's value (memory in bytes, CPU in cores); undefined when `text` is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2]!;
  const binary = BINARY[suffix];
  const exponent = DECIMAL[suffix] ?? Number(suffix.slice(1));
  // Dividing by 10^3 rather than multiplying by 0.001 keeps "100m" exactly 0.1.
  const value = binary !== undefined
    ? number * binary
    : exponent >= 0
    ? number * 10 ** exponent
    : number / 10 ** -exponent;
  return Number.isFinite(value) ? value : undefined;
}
