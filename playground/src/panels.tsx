/** The output and intermediate-steps panels. */
import type { RunView, Step } from "./run.js";
import { JsonTree, ValueView } from "./value-view.js";

function duration(step: Step, running: boolean): string {
  if (step.durationMs === undefined) return running ? "running…" : "unfinished";
  return step.durationMs < 1000 ? `${step.durationMs} ms` : `${(step.durationMs / 1000).toFixed(2)} s`;
}

/** The current call's status and output. */
export function OutputPanel({ view }: { view: RunView }) {
  return (
    <section class="panel">
      <h2>
        Output <span class={`status status-${view.status}`} data-testid="status" data-status={view.status}>{view.status}</span>
      </h2>
      {view.error !== undefined && (
        <div class="error" role="alert" data-testid="error">
          {view.error}
        </div>
      )}
      <div class="output" data-testid="output">
        {view.output !== undefined ? <ValueView value={view.output} /> : <p class="muted">Nothing yet.</p>}
      </div>
    </section>
  );
}

/** Every run of the last stream, from `/stream_log`. */
export function StepsPanel({ steps, running }: { steps: Step[]; running: boolean }) {
  return (
    <section class="panel">
      <h2>Intermediate steps</h2>
      {steps.length === 0 && <p class="muted">Stream to see each run (from /stream_log).</p>}
      {steps.map((step) => (
        <details class="step" key={step.id} data-testid="step" data-name={step.name}>
          <summary>
            <span class="step-name">{step.name}</span>
            <span class={`badge badge-${step.type}`}>{step.type}</span>
            <span class="duration">{duration(step, running)}</span>
          </summary>
          <div class="step-body">
            <h3>Input</h3>
            {step.hasInputs ? <JsonTree value={step.inputs} /> : <p class="muted">not sent by the server's stream_log</p>}
            <h3>Output</h3>
            {step.output !== undefined ? <ValueView value={step.output} /> : <p class="muted">…</p>}
          </div>
        </details>
      ))}
    </section>
  );
}
