/**
 * The documents of a skaffold or kustomization file as plain values, read once per distinct text (see
 * ./by-text.ts): which image each build context makes, and kustomize's image renames, come from here so
 * that no generator parses YAML to learn them. Documents that do not parse are left out.
 */
import { parseAllDocuments } from 'yaml';
import { byText } from './by-text.js';

export const yamlDocumentValues = byText<readonly unknown[]>((text) => {
  try {
    return parseAllDocuments(text)
      .filter((d) => d.errors.length === 0)
      .map((d) => d.toJS() as unknown);
  } catch {
    return [];
  }
});
