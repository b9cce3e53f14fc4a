/**
 * The reports pages' charts: reads the chart data the server rendered into
 * `<script type="application/json" id="report-data">` and draws each chart with
 * Chart.js, bundled from node_modules by esbuild (no CDN; only the pieces used are
 * registered). Each canvas names its table with aria-describedby: the table is the
 * chart's text alternative, and the page is complete without this script.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Scale,
  type TooltipItem,
} from 'chart.js';
import { isRecord, readJson } from './lib/dom.js';
import { chartTooltipLine, chartValueText, type ChartUnit } from './lib/chart-values.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

interface DatasetSpec {
  label: string;
  data: Array<number | null>;
  type: 'bar' | 'line';
  axis: 'y' | 'y2';
  stack: string | undefined;
}

interface ChartSpec {
  id: string;
  labels: string[];
  datasets: DatasetSpec[];
  y: string;
  y2: string | undefined;
  stacked: boolean;
  unit: ChartUnit;
}

/** Calm, distinguishable colours (the satisfaction chart goes from red to green). */
const palette = ['#1f5f8b', '#e07b1a', '#2f9e61', '#7a4fc2', '#c0392b'];
const scorePalette = ['#c0392b', '#e07b1a', '#d9b52c', '#7fb069', '#2f8a57'];

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const numbers = (v: unknown): Array<number | null> => (Array.isArray(v) ? v.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : null)) : []);

function parseDataset(v: unknown): DatasetSpec | null {
  if (!isRecord(v) || typeof v.label !== 'string') return null;
  return {
    label: v.label,
    data: numbers(v.data),
    type: v.type === 'line' ? 'line' : 'bar',
    axis: v.axis === 'y2' ? 'y2' : 'y',
    stack: typeof v.stack === 'string' ? v.stack : undefined,
  };
}

function parseChart(v: unknown): ChartSpec | null {
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.y !== 'string') return null;
  const datasets = Array.isArray(v.datasets) ? v.datasets.map(parseDataset).filter((d): d is DatasetSpec => d !== null) : [];
  const unit: ChartUnit = v.unit === 'hours' || v.unit === 'percent' ? v.unit : 'count';
  return { id: v.id, labels: strings(v.labels), datasets, y: v.y, y2: typeof v.y2 === 'string' ? v.y2 : undefined, stacked: v.stacked === true, unit };
}

/**
 * A long axis label on several lines (Chart.js draws an array as lines), each at most `room` pixels
 * wide as measured by `width`, so neighbouring labels never run into each other. A word wider than the
 * room keeps a line of its own.
 */
function wrap(label: string, room: number, width: (text: string) => number): string | string[] {
  if (width(label) <= room) return label;
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(' ')) {
    const longer = line ? `${line} ${word}` : word;
    if (line && width(longer) > room) {
      lines.push(line);
      line = word;
    } else line = longer;
  }
  if (line) lines.push(line);
  return lines;
}

function draw(spec: ChartSpec, reduceMotion: boolean): void {
  const canvas = document.getElementById(spec.id);
  if (!(canvas instanceof HTMLCanvasElement)) return;
  const scores = spec.stacked && spec.datasets.length === 5;
  const datasets = spec.datasets.map((d, i): ChartDataset<'bar' | 'line', Array<number | null>> => {
    const colour = (scores ? scorePalette[i] : palette[i % palette.length]) ?? '#1f5f8b';
    return {
      type: d.type,
      label: d.label,
      data: d.data,
      yAxisID: d.axis,
      stack: d.stack,
      backgroundColor: d.type === 'line' ? colour : `${colour}cc`,
      borderColor: colour,
      borderWidth: d.type === 'line' ? 2 : 0,
      // A duration under a minute still shows as a bar (a stub), not as no bar at all; no figure (null) draws none.
      minBarLength: spec.unit === 'hours' && d.type !== 'line' ? 3 : undefined,
      pointRadius: d.type === 'line' ? 2 : 0,
      spanGaps: true,
      order: d.type === 'line' ? 0 : 1,
    };
  });
  const unitOf = (axis: string): ChartUnit => (axis === 'y2' ? 'hours' : spec.unit);
  // On a phone, a handful of long categories ("Oplossingstermijn gehaald") cannot stand side by side
  // under the bars: the bars lie down and the labels get the width on the left.
  const box = canvas.parentElement;
  const horizontal = !spec.y2 && spec.labels.length <= 12 && (box?.clientWidth ?? 1000) < 520;
  // Room for each category's bars and a label of two or three lines, so neighbouring labels never touch.
  if (horizontal && box) box.style.height = `${Math.max(13, spec.labels.length * Math.max(2.9, spec.datasets.length * 1.1) + 6)}rem`;
  const category = {
    stacked: spec.stacked,
    grid: { display: false },
    ticks: {
      autoSkip: spec.labels.length > 12,
      maxRotation: 0,
      // Wrapped to the room each label has at the chart's current width, measured in the axis's
      // own font (QA: French labels ran into each other at 1366 px); the tooltip keeps the whole label.
      callback(this: Scale, _value: string | number, index: number) {
        const area = this.chart.chartArea?.width ?? this.chart.width;
        const room = horizontal ? Math.min(150, this.chart.width * 0.42) : Math.max(48, area / Math.max(1, spec.labels.length) - 24);
        const ctx = this.chart.ctx;
        ctx.save();
        ctx.font = `${Chart.defaults.font.size ?? 12}px ${Chart.defaults.font.family ?? 'sans-serif'}`;
        const lines = wrap(spec.labels[index] ?? '', room, (text) => ctx.measureText(text).width);
        ctx.restore();
        return lines;
      },
    },
  };
  // Counts of tickets are whole numbers: no "2.5 tickets" on the axis.
  const value = { stacked: spec.stacked, beginAtZero: true, title: { display: true, text: spec.y }, ticks: spec.unit === 'count' ? { precision: 0 } : {} };

  new Chart(canvas, {
    type: 'bar',
    data: { labels: spec.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 300 },
      interaction: { mode: 'index', intersect: false, axis: horizontal ? 'y' : 'x' },
      indexAxis: horizontal ? ('y' as const) : ('x' as const),
      scales: {
        ...(horizontal ? { y: category, x: value } : { x: category, y: value }),
        ...(spec.y2
          ? { y2: { position: 'right' as const, beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: spec.y2 } } }
          : {}),
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar' | 'line'>) => {
              const value = typeof item.raw === 'number' ? chartValueText(item.raw, unitOf(item.dataset.yAxisID ?? 'y')) : '—';
              return chartTooltipLine(item.dataset.label ?? '', value);
            },
          },
        },
      },
    },
  });
}

function start(): void {
  const data = readJson('report-data');
  if (!isRecord(data) || !Array.isArray(data.charts)) return;
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  for (const raw of data.charts) {
    const spec = parseChart(raw);
    if (spec && spec.datasets.length > 0 && spec.labels.length > 0) draw(spec, reduceMotion);
  }
}

start();
