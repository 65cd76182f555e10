/**
 * Event-level scoring: flagged days that touch form one detection; a labelled anomaly window is found
 * if any detection overlaps it (one day of slack either side). Precision counts detections, recall
 * counts windows.
 */
export interface Window {
  from: string;
  to: string;
}

export interface Score {
  precision: number;
  recall: number;
  f1: number;
  detections: number;
  windows: number;
}

const day = (date: string) => Math.round(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 86_400_000);

export function groupEvents(dates: string[], gap = 1): Window[] {
  const days = [...new Set(dates.map(day))].sort((a, b) => a - b);
  const events: { from: number; to: number }[] = [];
  for (const d of days) {
    const last = events[events.length - 1];
    if (last && d - last.to <= gap + 1) last.to = d;
    else events.push({ from: d, to: d });
  }
  const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
  return events.map((e) => ({ from: iso(e.from), to: iso(e.to) }));
}

export function scoreEvents(flaggedDates: string[], truth: Window[], slack = 1): Score {
  const detections = groupEvents(flaggedDates);
  const overlaps = (a: Window, b: Window) =>
    day(a.from) <= day(b.to) + slack && day(b.from) <= day(a.to) + slack;
  const hitDetections = detections.filter((d) => truth.some((w) => overlaps(d, w))).length;
  const foundWindows = truth.filter((w) => detections.some((d) => overlaps(d, w))).length;
  const precision =
    detections.length === 0 ? (truth.length === 0 ? 1 : 0) : hitDetections / detections.length;
  const recall = truth.length === 0 ? 1 : foundWindows / truth.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, detections: detections.length, windows: truth.length };
}
