// Deterministic generated texts for differential tests of pattern engines.

/** Small deterministic PRNG (mulberry32), so a failure names a reproducible input. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Texts made of the literal runs and characters of the pattern, spaces, quotes and noise. */
export function generatedTexts(re: RegExp, count: number, seed = 1): string[] {
  const random = prng(seed);
  const words = (re.source.match(/[A-Za-z0-9_]{2,}|\\[\\/.:]|[^\\()[\]{}*+?|^$]/g) ?? []).map((w) =>
    w.length === 2 && w[0] === '\\' ? w[1] : w,
  );
  const extra = [
    ' ',
    ' ',
    '"',
    "'",
    '\\',
    '/',
    ':',
    '.',
    ',',
    '|',
    '>',
    '-',
    'A',
    'z',
    '0',
    'é',
    '\u2028',
    '\t',
    'http://',
    '\\\\srv\\s\\',
    'C:\\Users\\x\\',
    '.dll',
    '.exe',
  ];
  const pool = [...words, ...extra];
  const texts: string[] = [];
  for (let k = 0; k < count; k++) {
    const parts = 1 + Math.floor(random() * 12);
    let text = '';
    for (let p = 0; p < parts; p++) {
      let piece = pool[Math.floor(random() * pool.length)];
      if (random() < 0.3) piece = piece.toUpperCase();
      text += piece;
    }
    texts.push(text);
  }
  return texts;
}
