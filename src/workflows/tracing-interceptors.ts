// The workflow-side OpenTelemetry interceptors a tracing worker bundles (not a workflow; see
// src/telemetry/otel-sdk.ts). Built on Temporal's own (@temporalio/interceptors-
// opentelemetry), with one difference that keeps histories replayable when tracing is switched
// on or off: no span adds an await between a command's result and the workflow code awaiting
// it. Temporal's outbound spans wrap each activity, child start and signal in `await`s, which
// delay the result by a few microtasks; in an incident's update handler that moved the update's
// completion after a search-attribute upsert, and the incident histories recorded without
// tracing failed to replay with it (test/telemetry/tracing.test.ts). Here the span starts
// before the command, its context goes in the command's headers, and it ends beside the
// workflow's own await. Inbound, only RunWorkflow is traced (handler spans wrap the same way).
import * as otel from '@opentelemetry/api';
import type { Headers } from '@temporalio/common';
import { headersWithContext } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
  SpanName,
  SPAN_DELIMITER,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  SignalWorkflowInput,
  StartChildWorkflowExecutionInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

class RunWorkflowSpan implements WorkflowInboundCallsInterceptor {
  private readonly otel = new OpenTelemetryInboundInterceptor();
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return this.otel.execute(input, next);
  }
}

type Outbound = WorkflowOutboundCallsInterceptor;

class CommandSpans extends OpenTelemetryOutboundInterceptor {
  /** Issues the command inside a new span and returns its own promise, untouched. */
  private traced<T>(name: string, headers: Headers, issue: (headers: Headers) => Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(name);
    const result = otel.context.with(otel.trace.setSpan(otel.context.active(), span), () => issue(headersWithContext(headers)));
    result.then(
      () => span.end(),
      (err: unknown) => {
        span.setStatus({ code: otel.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        span.end();
      },
    );
    return result;
  }

  override scheduleActivity(input: ActivityInput, next: Next<Outbound, 'scheduleActivity'>): Promise<unknown> {
    return this.traced(`${SpanName.ACTIVITY_START}${SPAN_DELIMITER}${input.activityType}`, input.headers, (headers) =>
      next({ ...input, headers }),
    );
  }

  override scheduleLocalActivity(input: LocalActivityInput, next: Next<Outbound, 'scheduleLocalActivity'>): Promise<unknown> {
    return this.traced(`${SpanName.ACTIVITY_START}${SPAN_DELIMITER}${input.activityType}`, input.headers, (headers) =>
      next({ ...input, headers }),
    );
  }

  override startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<Outbound, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    return this.traced(`${SpanName.CHILD_WORKFLOW_START}${SPAN_DELIMITER}${input.workflowType}`, input.headers, (headers) =>
      next({ ...input, headers }),
    );
  }

  override signalWorkflow(input: SignalWorkflowInput, next: Next<Outbound, 'signalWorkflow'>): Promise<void> {
    return this.traced(`${SpanName.WORKFLOW_SIGNAL}${SPAN_DELIMITER}${input.signalName}`, input.headers, (headers) =>
      next({ ...input, headers }),
    );
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new RunWorkflowSpan()],
  outbound: [new CommandSpans()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
