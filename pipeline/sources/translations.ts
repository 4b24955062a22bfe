import { createHash } from 'node:crypto';
import type { VFile } from 'vfile';
import type { FieldPath, YamlLocator } from './yaml-file.js';
import { formatFieldPath } from './zod-messages.js';

/**
 * sources/translations.lock.yaml: for every bilingual text, a hash of the English its Spanish was confirmed
 * against, by file and field path. `ek-towns confirm-translations` writes it after a reviewer checked the
 * Spanish; `check` warns where the English has changed since.
 */
export const lockFileName = 'translations.lock.yaml';
export type TranslationLock = Record<string, Record<string, string>>;

const englishHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

interface Bilingual { path: FieldPath; en: string }

function bilingualTexts(value: unknown, path: FieldPath = []): Bilingual[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => bilingualTexts(item, [...path, i]));
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.en === 'string' && typeof record.es === 'string') return [{ path, en: record.en }];
  return Object.entries(record).flatMap(([key, child]) => bilingualTexts(child, [...path, key]));
}

/** The lock as it should be now: every current English text confirmed. */
export function currentLock(files: { relative: string; data: unknown }[]): TranslationLock {
  return Object.fromEntries(
    files
      .map(({ relative, data }) => [relative, Object.fromEntries(bilingualTexts(data).map((t) => [formatFieldPath(t.path), englishHash(t.en)]))] as const)
      .filter(([, texts]) => Object.keys(texts).length > 0),
  );
}

/**
 * Warns, on the file with the text, for each English text changed since its translation was confirmed (with
 * the place of the English and of the Spanish to review). Returns how many texts were never confirmed.
 */
export function checkTranslations(
  files: { relative: string; file: VFile; source: YamlLocator; data: unknown }[],
  lock: TranslationLock,
): { unconfirmed: number } {
  let unconfirmed = 0;
  for (const { relative, file, source, data } of files) {
    for (const text of bilingualTexts(data)) {
      const field = formatFieldPath(text.path);
      const confirmed = lock[relative]?.[field];
      if (confirmed === undefined) {
        unconfirmed++;
        continue;
      }
      if (confirmed === englishHash(text.en)) continue;
      const english = source.locate([...text.path, 'en']);
      const spanish = source.locate([...text.path, 'es']);
      file.message(
        `${field}: the English changed after its Spanish translation was confirmed; review the Spanish at ${file.path}:${spanish.line}:${spanish.column}, then run \`ek-towns confirm-translations\``,
        { place: english, ruleId: 'stale-translation', source: 'ek-towns' },
      );
    }
  }
  return { unconfirmed };
}
