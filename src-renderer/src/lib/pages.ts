/** The shell's pages, in navigation order (the order of a study: data → tasks → train → evaluate → use). */
export const pages = [
  { id: 'projects', label: 'Projects', hint: 'Create, open and summarise projects' },
  { id: 'data', label: 'Data', hint: 'Import descriptor and attribute tables' },
  { id: 'tasks', label: 'Tasks', hint: 'Map columns to prediction tasks' },
  { id: 'train', label: 'Train', hint: 'Train and watch multi-task runs' },
  { id: 'evaluate', label: 'Evaluate', hint: 'Test metrics, parity plots, confusion matrices and curves of a run' },
  { id: 'finetune', label: 'Fine-tune', hint: 'Adapt a trained model to new data or tasks' },
  { id: 'predict', label: 'Predict', hint: 'Predict local files offline' },
  { id: 'models', label: 'Models', hint: 'Export and import model bundles' },
] as const;

export type PageId = (typeof pages)[number]['id'];

export function isPageId(value: string): value is PageId {
  return pages.some((p) => p.id === value);
}
