/** Public surface of run reports: one self-contained HTML page per run (and inside each bundle). */
export { runReport, sourceSteps, type RunReportOptions } from './html-report';
