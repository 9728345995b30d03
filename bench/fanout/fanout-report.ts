import { markdownTable } from '../support/markdown-table.js';
import { formatNumber, formatRatio, formatSpread, median, spreadOf } from '../support/statistics.js';
import type { FanoutResult } from './fanout-result.js';

/** Targets of issue 3: how many times faster than each peer Ostiary must be. */
export const FANOUT_TARGETS: Readonly<Record<string, number>> = Object.freeze({ ansible: 10, openssh: 2.5 });

export function fanoutRoundLine(round: number, result: FanoutResult): string {
  const rss = result.peakRssMb === null ? '' : `, peak RSS ${formatNumber(result.peakRssMb)} MB`;
  const note = result.note ? ` — ${result.note}` : '';
  const cpu = `CPU s client ${formatNumber(result.clientCpuS, 1)} / hosts ${formatNumber(result.serverCpuS, 1)}`;
  return `round ${round} · ${result.key}: ${formatNumber(result.wallMs)} ms, ${result.succeeded}/${result.hosts} ok${rss}, ${cpu} · load ${result.loadAverage}${note}`;
}

export function fanoutTable(results: readonly FanoutResult[]): string {
  const keys = [...new Set(results.map((result) => result.key))];
  const rows = keys.map((key) => {
    const rounds = results.filter((result) => result.key === key);
    const rss = rounds.flatMap((round) => (round.peakRssMb === null ? [] : [round.peakRssMb]));
    return [
      rounds[0]?.system ?? key,
      formatSpread(spreadOf(rounds.map((round) => round.wallMs))),
      rounds.map((round) => `${round.succeeded}/${round.hosts}`).join(', '),
      rss.length > 0 ? formatNumber(Math.max(...rss)) : '-',
      formatSpread(spreadOf(rounds.map((round) => round.clientCpuS)), 1),
      formatSpread(spreadOf(rounds.map((round) => round.serverCpuS)), 1),
      rounds.map((round) => round.loadAverage.split(',')[0]).join(' / '),
    ];
  });
  return markdownTable(['system', 'wall ms median (min–max)', 'succeeded per round', 'peak RSS MB', 'client CPU s', 'hosts (sshd) CPU s', 'load average per round'], rows);
}

/** Ratio of each peer's median wall time to Ostiary's, against its target. */
export function fanoutTargetLines(results: readonly FanoutResult[]): string[] {
  const medianOf = (key: string): number => median(results.filter((result) => result.key === key).map((result) => result.wallMs));
  const ours = medianOf('ostiary');
  return Object.entries(FANOUT_TARGETS).flatMap(([key, goal]) => {
    const theirs = medianOf(key);
    if (!Number.isFinite(theirs) || !Number.isFinite(ours)) return [];
    const incomplete = results.filter((result) => (result.key === key || result.key === 'ostiary') && result.succeeded !== result.hosts);
    if (incomplete.length > 0) return [`NOT MEASURED against ${key}: ${incomplete.map((result) => `${result.key} reached ${result.succeeded}/${result.hosts}`).join(', ')}`];
    const ratio = theirs / ours;
    const verdict = ratio >= goal ? 'MET   ' : 'MISSED';
    const miss = ratio >= goal ? '' : ` — would need ${formatNumber(theirs / goal)} ms, ${formatNumber(ours - theirs / goal)} ms less`;
    return [`${verdict} ${formatRatio(ratio)} faster than ${key} (target ≥ ${goal}×; medians ${formatNumber(theirs)} vs ${formatNumber(ours)} ms)${miss}`];
  });
}

/** Per-round ratios, so the spread of the ratio itself shows. */
export function perRoundRatios(results: readonly FanoutResult[], rounds: number): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(FANOUT_TARGETS)) {
    const ratios = [];
    for (let round = 0; round < rounds; round += 1) {
      const ours = results.filter((result) => result.key === 'ostiary')[round];
      const theirs = results.filter((result) => result.key === key)[round];
      if (ours && theirs) ratios.push(formatRatio(theirs.wallMs / ours.wallMs));
    }
    if (ratios.length > 0) lines.push(`${key}/Ostiary per round: ${ratios.join(', ')}`);
  }
  return lines;
}
