/** ECharts with only the parts Crucible draws (lines, scatter, heatmaps, error bars), so the bundle stays small. */
import { CustomChart, LineChart, ScatterChart, HeatmapChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import type { CustomSeriesOption, HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

use([
  CustomChart,
  LineChart,
  ScatterChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  TitleComponent,
  MarkLineComponent,
  DataZoomComponent,
  VisualMapComponent,
  CanvasRenderer,
  // Exported figures only (exportFigure): the page draws on canvas.
  SVGRenderer,
]);

export type ChartOption = ComposeOption<
  | CustomSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | TitleComponentOption
  | MarkLineComponentOption
  | DataZoomComponentOption
  | VisualMapComponentOption
>;

export { init, type CustomSeriesOption, type ECharts };

/** The data array of the point a tooltip or label formatter is called for (ECharts types it loosely). */
export function pointData(params: unknown): number[] {
  return (params as { data: number[] }).data;
}

/** Colours that stay apart for the colour-blind (Okabe–Ito), in series order. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/** Axis and text styling shared by every chart. */
export const BASE_OPTION: ChartOption = {
  color: PALETTE,
  animation: false,
  textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
  grid: { left: 64, right: 24, top: 40, bottom: 48, containLabel: false },
  tooltip: { trigger: 'axis' },
};

/** Height of the title an exported figure gets above the plot, in pixels. */
const TITLE_HEIGHT = 30;

/** Moves a component placed from the top (grid, legend) down by `by` pixels; one placed otherwise stays. */
function lowered<T extends { top?: unknown }>(items: unknown, by: number): T[] {
  return (Array.isArray(items) ? items : items ? [items] : []).map((item: T) =>
    typeof item.top === 'number' || item.top === undefined ? { ...item, top: (typeof item.top === 'number' ? item.top : 0) + by } : item,
  );
}

/**
 * The chart on screen as a figure file, its title drawn above the plot (the page shows the title outside the canvas):
 * a PNG data URL at twice the size, or an SVG document. Drawn by a second chart instance with the same option, so the
 * one on screen never changes.
 */
export function exportFigure(chart: ECharts, title: string, type: 'png' | 'svg'): string {
  const width = chart.getWidth();
  const height = chart.getHeight() + TITLE_HEIGHT;
  const option = chart.getOption() as ChartOption;
  const figure: ChartOption = {
    ...option,
    backgroundColor: '#ffffff',
    title: { text: title, left: 'center', top: 6, textStyle: { fontSize: 14, fontWeight: 600, color: '#1d2430' } },
    grid: lowered<GridComponentOption>(option.grid, TITLE_HEIGHT),
    legend: lowered<LegendComponentOption>(option.legend, TITLE_HEIGHT),
    // Figures are static: no slider or pointer.
    dataZoom: [],
    tooltip: { show: false },
  };
  if (type === 'svg') {
    const svg = init(null, null, { renderer: 'svg', ssr: true, width, height });
    try {
      svg.setOption(figure);
      return svg.renderToSVGString();
    } finally {
      svg.dispose();
    }
  }
  const host = document.createElement('div');
  const png = init(host, null, { renderer: 'canvas', width, height });
  try {
    png.setOption(figure);
    return png.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
  } finally {
    png.dispose();
  }
}
