/**
 * ECharts drawn in Node as SVG text (its server-side rendering), so that a report's plots are plain markup: no
 * script runs when a colleague opens the file, and it shows the same in a browser, a mail client or a printout.
 */
import type * as EChartsCore from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';

type ECharts = typeof EChartsCore;

/** The report's text font, also inside the plots: without quotes, which ECharts would write unescaped into a style attribute. */
export const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif';

let loading: Promise<ECharts> | undefined;

/** ECharts with the charts and components the report draws, loaded on first use (it takes a second). */
function echarts(): Promise<ECharts> {
  loading ??= (async () => {
    const [core, charts, components, renderers] = await Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]);
    core.use([
      charts.ScatterChart,
      charts.LineChart,
      charts.HeatmapChart,
      charts.CustomChart,
      components.GridComponent,
      components.LegendComponent,
      components.MarkLineComponent,
      components.VisualMapComponent,
      renderers.SVGRenderer,
    ]);
    return core;
  })();
  return loading;
}

export interface Plot {
  option: EChartsCoreOption;
  width: number;
  height: number;
  /** What the plot shows, for readers of the markup (screen readers, text mail clients). */
  label: string;
}

/** The plot as one `<svg>` element that scales down with the page (it keeps its viewBox). */
export async function svgChart(plot: Plot): Promise<string> {
  const chart = (await echarts()).init(null, null, { renderer: 'svg', ssr: true, width: plot.width, height: plot.height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...plot.option });
    const svg = chart.renderToSVGString();
    const label = plot.label.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return svg.replace(/^<svg /, `<svg role="img" aria-label="${label}" `);
  } finally {
    // A chart left undisposed keeps its animation timer, and with it the process, alive.
    chart.dispose();
  }
}
