// Charts for reports, rendered server-side to SVG: a Vega-Lite spec compiled in Node and drawn
// by Vega's headless view (no canvas, no browser). Labels are data values, never spec or
// expression text, and Vega's SVG writer escapes them, so a hostile rule name stays text.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface BarDatum {
  label: string;
  value: number;
  series?: string;
}

const LABEL_LIMIT_PX = 260;
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** A horizontal bar chart (grouped by series when data have one) as a standalone SVG document. */
export async function barChartSvg(options: {
  title?: string;
  data: BarDatum[];
  unit: string;
  width?: number;
  /** Whole numbers: no 0.5 ticks. */ counts?: boolean;
}): Promise<string> {
  const grouped = options.data.some((d) => d.series !== undefined);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title ? { title: { text: options.title, anchor: 'start' as const, font: FONT } } : {}),
    width: options.width ?? 420,
    background: 'white',
    config: {
      font: FONT,
      axis: { labelFont: FONT, titleFont: FONT, labelLimit: LABEL_LIMIT_PX },
      legend: { labelFont: FONT, titleFont: FONT },
    },
    // Row order is the caller's; a random-looking sort by label would hide the ranking.
    data: { values: options.data.map((d, order) => ({ ...d, order })) },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null },
      x: {
        field: 'value',
        type: 'quantitative',
        title: options.unit,
        ...(options.counts ? { axis: { format: 'd', tickMinStep: 1 } } : {}),
      },
      ...(grouped
        ? { yOffset: { field: 'series', type: 'nominal' }, color: { field: 'series', type: 'nominal', title: null } }
        : { color: { value: '#3b6ea8' } }),
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
