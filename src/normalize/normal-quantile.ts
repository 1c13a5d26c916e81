// The standard normal quantile function (probit), for RobustScaler's unitVariance. Formatted by hand and left
// alone by prettier (.prettierignore): each table is one polynomial, highest power first.

// Wichura's algorithm AS 241 (PPND16): rational approximations in r, accurate to about 1e-16. The coefficients are
// as published, with more digits than a double holds; what counts is the double each one parses to.
/* eslint-disable no-loss-of-precision */
// Central region, |p - 0.5| <= 0.425, in r = 0.180625 - (p - 0.5)^2:
const CENTRAL_NUM = [
  2509.0809287301226727,  33430.575583588128105,  67265.770927008700853,  45921.953931549871457,
  13731.693765509461125,   1971.5909503065514427,   133.14166789178437745,   3.387132872796366608,
];
const CENTRAL_DEN = [
  5226.495278852545925,   28729.085735721942674,  39307.89580009271061,   21213.794301586595867,
  5394.1960214247511077,   687.1870074920579083,   42.313330701600911252,  1,
];
// Intermediate tail, r = sqrt(-log(min(p, 1 - p))) - 1.6 with r <= 5 before the shift:
const NEAR_NUM = [
  7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258,
  3.64784832476320460504,   5.7694972214606914055,    4.6303378461565452959,  1.42343711074968357734,
];
const NEAR_DEN = [
  1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459,
  0.68976733498510000455,    1.6763848301838038494,   2.05319162663775882187,   1,
];
// Far tail, r = sqrt(-log(min(p, 1 - p))) - 5:
const FAR_NUM = [
  2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093,
  0.29656057182850489123,    1.7848265399172913358,     5.4637849111641143699,    6.6579046435011037772,
];
const FAR_DEN = [
  2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4,
  0.0148753612908506148525,   0.13692988092273580531,   0.59983220655588793769,   1,
];

/** The polynomial with coefficients c (highest power first) at r, by Horner's rule. */
function horner(c: readonly number[], r: number): number {
  let acc = c[0];
  for (let i = 1; i < c.length; i++) acc = acc * r + c[i];
  return acc;
}

/** The standard normal quantile of p: -Infinity at 0, Infinity at 1. */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(CENTRAL_NUM, r)) / horner(CENTRAL_DEN, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = horner(NEAR_NUM, r) / horner(NEAR_DEN, r);
  } else {
    r -= 5;
    x = horner(FAR_NUM, r) / horner(FAR_DEN, r);
  }
  return q < 0 ? -x : x;
}
