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
import { CanvasRenderer } from 'echarts/renderers';

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
