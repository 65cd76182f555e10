/**
 * A dimension member as people read it. A group whose value is NULL or blank is real (its rows
 * count), but "null", an empty label or an empty bar name says nothing: every door calls it
 * "(none)", and a sentence that would single it out says plainly that nothing was recorded.
 */
export const NO_MEMBER = '(none)';

export function isNoMember(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

export function memberName(value: unknown): string {
  return isNoMember(value) ? NO_MEMBER : String(value);
}
