/**
 * Generator order from what each generator declares must run before it (a generator that reads a
 * file another one plans must see it planned): a topological order, ties kept in the order given,
 * so the plan (and the summary listing it) reads as it always did.
 */
import type { ArtifactGenerator } from './types.js';

export interface OrderedGenerator {
  generator: ArtifactGenerator;
  /** Names of the generators that must run before this one, for the same app. */
  after: readonly string[];
}

/** The generators in an order that runs every one after those it names; throws on an unknown name or a cycle. */
export function runOrder(declared: readonly OrderedGenerator[]): ArtifactGenerator[] {
  const byName = new Map(declared.map((d) => [d.generator.name, d]));
  for (const d of declared) {
    for (const name of d.after) {
      if (!byName.has(name)) throw new Error(`generator ${d.generator.name} runs after ${name}, which is not a generator`);
    }
  }
  const out: ArtifactGenerator[] = [];
  const done = new Set<string>();
  while (out.length < declared.length) {
    const ready = declared.find((d) => !done.has(d.generator.name) && d.after.every((n) => done.has(n)));
    if (ready === undefined) throw new Error(`generator order is cyclic: ${cycleIn(declared, done).join(' → ')}`);
    out.push(ready.generator);
    done.add(ready.generator.name);
  }
  return out;
}

/** One cycle among the generators not yet ordered, named in order, for the error. */
function cycleIn(declared: readonly OrderedGenerator[], done: ReadonlySet<string>): string[] {
  const left = new Map(declared.filter((d) => !done.has(d.generator.name)).map((d) => [d.generator.name, d]));
  const path: string[] = [];
  let at = [...left.keys()][0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = left.get(at)!.after.find((n) => left.has(n))!;
  }
  return [...path.slice(path.indexOf(at)), at];
}
