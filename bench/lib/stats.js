/** Summaries of repeated timings: the median is what the tables show, min–max says how noisy the machine was. */
export function summary(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

/** Spread of a series relative to its median, in percent: (max − min) / median. */
export function spreadPercent(s) {
  return s ? Math.round(((s.max - s.min) / s.median) * 100) : undefined;
}
