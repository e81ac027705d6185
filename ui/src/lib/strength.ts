// Passphrase strength estimates with zxcvbn-ts. The dictionaries are large, so they load
// on first use, in their own chunk, instead of with the app.
import type { Score, ZxcvbnFactory } from '@zxcvbn-ts/core';

export type { Score };

export interface Strength {
  score: Score;
  label: string;
  /** How long an offline attacker guessing slowly would need, e.g. "3 centuries". */
  crackTime: string;
  warning: string | null;
  suggestions: string[];
}

export const SCORE_LABELS: Record<Score, string> = {
  0: 'Very weak',
  1: 'Weak',
  2: 'Fair',
  3: 'Good',
  4: 'Strong',
};

let factory: Promise<ZxcvbnFactory> | null = null;

function load(): Promise<ZxcvbnFactory> {
  factory ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
        useLevenshteinDistance: true,
      }),
  );
  return factory;
}

export async function estimateStrength(passphrase: string): Promise<Strength> {
  const result = (await load()).check(passphrase, ['keywarden', 'vault']);
  return {
    score: result.score,
    label: SCORE_LABELS[result.score],
    crackTime: result.crackTimes.offlineSlowHashingXPerSecond.display,
    warning: result.feedback.warning || null,
    suggestions: result.feedback.suggestions,
  };
}
