// The "which queue" flags that `enqueue` and `cron run` share, and how they map onto resolveTargetQueue.
import type { TargetQueueInput } from './target-queue.js'

/** `--queue-url`, `--endpoint`, `--region`, `--state-file`, for parseFlags. */
export const targetQueueFlags = {
  'queue-url': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'state-file': { type: 'string' },
} as const

/** The parsed values of {@link targetQueueFlags}. */
export interface TargetQueueFlagValues {
  'queue-url'?: string | undefined
  endpoint?: string | undefined
  region?: string | undefined
  'state-file'?: string | undefined
}

/** The part of resolveTargetQueue's input the flags give (only the flags that were set). */
export function targetQueueInput(values: TargetQueueFlagValues): Pick<TargetQueueInput, 'queueUrl' | 'endpoint' | 'region' | 'statePath'> {
  return {
    ...(values['queue-url'] !== undefined ? { queueUrl: values['queue-url'] } : {}),
    ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values['state-file'] !== undefined ? { statePath: values['state-file'] } : {}),
  }
}
