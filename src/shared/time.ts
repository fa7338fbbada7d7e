/**
 * Times as Voxnote writes them, the one place for it: a duration as a clock
 * (notes lines, the status bar, subtitle cues) and the local date and time
 * (notes headers, notes file names).
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A duration as hh:mm:ss; with a separator, also milliseconds (SRT `,`, WebVTT `.`). */
export function clock(seconds: number, fractionSeparator: ',' | '.' | null = null): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const hms = `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}`;
  return fractionSeparator ? `${hms}${fractionSeparator}${pad(ms % 1000, 3)}` : hms;
}

/** hh:mm:ss, as used in notes. */
export const clockTime = (seconds: number): string => clock(seconds);

/** A local date and time in parts: four-digit year, the rest two digits. */
export function localParts(d: Date): { YYYY: string; MM: string; DD: string; HH: string; mm: string; ss: string } {
  return {
    YYYY: String(d.getFullYear()),
    MM: pad(d.getMonth() + 1),
    DD: pad(d.getDate()),
    HH: pad(d.getHours()),
    mm: pad(d.getMinutes()),
    ss: pad(d.getSeconds()),
  };
}

/** Local date and time, `YYYY-MM-DD HH:mm`. */
export function localDateTime(d: Date): string {
  const p = localParts(d);
  return `${p.YYYY}-${p.MM}-${p.DD} ${p.HH}:${p.mm}`;
}
