import { describe, expect, it } from 'vitest';
import {
  confusionMatrix,
  curveError,
  curveOrder,
  curveSteps,
  paddedRange,
  parityPoints,
  rocCurve,
  type TaskPredictions,
} from '../../../src-renderer/src/lib/eval/evaluation';
import { renderMarkdown } from '../../../src-renderer/src/lib/markdown';

const task = (over: Partial<TaskPredictions>): TaskPredictions => ({
  name: 't',
  type: 'regression',
  predicted: [],
  measured: [],
  scores: null,
  interval: null,
  steps: null,
  stepsColumn: null,
  ...over,
});

describe('evaluation views', () => {
  it('pairs measured and predicted values for a parity plot, skipping unlabelled rows', () => {
    expect(parityPoints(task({ predicted: [1.1, 2, 3], measured: [1, null, 2.5] }))).toEqual([
      [1, 1.1, 0],
      [2.5, 3, 2],
    ]);
    expect(paddedRange([0, 10])).toEqual([-0.5, 10.5]);
  });

  it('counts a confusion matrix over the labels seen, in numeric order', () => {
    const m = confusionMatrix(task({ type: 'classification', measured: ['1', '0', '10', '1', null], predicted: ['1', '1', '10', '0', '1'] }));
    expect(m.classes).toEqual(['0', '1', '10']);
    expect(m.counts).toEqual([
      [0, 1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    expect(m.total).toBe(4);
  });

  it('draws a ROC curve with the AUC of the trapezoids, ties moving together', () => {
    expect(rocCurve([0.9, 0.8, 0.7, 0.6], ['1', '1', '0', '0'], '1')!.auc).toBe(1);
    const tied = rocCurve([0.5, 0.5, 0.5, 0.5], ['1', '0', '1', '0'], '1')!;
    expect(tied.points).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(tied.auc).toBe(0.5);
    expect(rocCurve([0.1], ['1'], '1')).toBeNull();
  });

  it('scores curves by mean absolute error and lists the worst first, searchable by formula', () => {
    const curves = task({
      type: 'sequence',
      predicted: [
        [0, 1],
        [0, 0],
        [1, 1],
      ],
      measured: [[0, 0], [0, 0], null],
      steps: [[0, 20], null, [0, 20]],
    });
    expect(curveError([0, 1, null], [0, 0, 5])).toBe(0.5);
    expect(curveError([0, 1], null)).toBeNull();
    expect(curveOrder(curves, ['NaCl', 'MgO', 'KCl'], ['1', '2', '3'], '', true)).toEqual([0, 1, 2]);
    expect(curveOrder(curves, ['NaCl', 'MgO', 'KCl'], ['1', '2', '3'], 'cl', false)).toEqual([2, 0]);
    expect(curveSteps(curves, 1)).toEqual([0, 1]);
    expect(curveSteps(curves, 0)).toEqual([0, 20]);
  });

  it('renders a model card’s Markdown with every bundle character escaped', () => {
    const html = renderMarkdown('# Model <b>x</b>\n\n| Task | Unit |\n|---|---|\n| gap | `eV` |\n\n```python\nprint("<hi>")\n```\n- **one** item');
    expect(html).toContain('<h1>Model &lt;b&gt;x&lt;/b&gt;</h1>');
    expect(html).toContain('<td>gap</td><td><code>eV</code></td>');
    expect(html).toContain('<pre><code>print(&quot;&lt;hi&gt;&quot;)</code></pre>');
    expect(html).toContain('<li><strong>one</strong> item</li>');
    expect(html).not.toContain('<b>');
  });
});
