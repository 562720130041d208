import { describe, expect, it } from 'vitest';
import { gramsQueryOf, searchGramsOf } from './search-grams.js';

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

describe('search grams', () => {
  it('stores each distinct trigram once as a hex word, by code point', () => {
    expect(searchGramsOf('abab')).toBe(`${hex('aba')} ${hex('bab')}`);
    expect(searchGramsOf('né😀x')).toBe(`${hex('né😀')} ${hex('é😀x')}`);
    expect(searchGramsOf('ab')).toBe('');
  });

  it('asks for trigrams every matching body has', () => {
    expect(gramsQueryOf('ab')).toBeUndefined();
    const query = gramsQueryOf('needle')!;
    const stored = new Set(searchGramsOf('a needle here').split(' '));
    for (const term of query.split(' ')) expect(stored.has(term.slice(1))).toBe(true);
    expect(gramsQueryOf('x'.repeat(2) + 'abcdefghijklmnopqrstuvwxyz')!.split(' ')).toHaveLength(12);
  });
});
