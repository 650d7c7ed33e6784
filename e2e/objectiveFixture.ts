// The pipeline's own numbers for the noise panel, written beside the shipped model by `ship`: the draws
// and their losses (fixtures/objective_cases.json) and the passages they are drawn on. Read by the
// Playwright spec and by the Firefox/WebKit scenarios alike.
import { readFileSync } from 'node:fs';

const DIR = 'models/unmask-small';

export interface ObjectiveCase {
  passage: number;
  t: number;
  seed: number;
  bits_per_masked_token: number;
  draw: number;
}

export const objectiveFixture = JSON.parse(readFileSync(`${DIR}/fixtures/objective_cases.json`, 'utf8')) as {
  cases: ObjectiveCase[];
  panel: { bits_per_byte: number; curve: { t: number; integrand_nats: number }[] };
};

export const noisePassages = (
  JSON.parse(readFileSync(`${DIR}/passages.json`, 'utf8')) as { passages: { ids: number[] }[] }
).passages;
