/** Field validators shared by the settings modules: blank counts as unset, URLs must be http(s). */
import { z } from 'zod';

export const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export function urlSetting(hint: string) {
  return z
    .string({ error: hint })
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, hint);
}

/** A setting that must be present and non-blank; `hint` says what to put there. */
export function requiredString(hint: string) {
  return z.string({ error: hint }).trim().min(1, hint);
}

/** A URL setting that may be left unset (or blank). */
export function optionalUrl(hint: string) {
  return optionalString.pipe(urlSetting(hint).optional());
}

export function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
