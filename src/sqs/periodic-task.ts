// The SQS message EB's cron leader sends for one periodic task; the sqsd daemon turns it into a POST to the task's
// url. Sent by the daemon's cron scheduler, `fastify-aws cron run` and the dashboard's "run now".
import { SendMessageCommand, type SQSClient, type SendMessageCommandInput } from '@aws-sdk/client-sqs'
import type { CronEntry } from '../config/index.js'

/**
 * Message attributes of a periodic-task message, as EB's cron leader writes them. They drive the delivery and
 * are never forwarded as `X-Aws-Sqsd-Attr-*` headers.
 */
export const SCHEDULED_ATTRIBUTES = {
  path: 'beanstalk.sqsd.path',
  taskName: 'beanstalk.sqsd.task_name',
  scheduledTime: 'beanstalk.sqsd.scheduled_time',
} as const

/** Body of a periodic-task message (the daemon POSTs an empty body instead). */
export const SCHEDULED_BODY = 'elasticbeanstalk scheduled job'

/** The SendMessage input for `entry` scheduled at `scheduledAt`, with EB's `beanstalk.sqsd.*` attributes. */
export function scheduledTaskMessage(queueUrl: string, entry: Pick<CronEntry, 'name' | 'url'>, scheduledAt: Date): SendMessageCommandInput {
  return {
    QueueUrl: queueUrl,
    MessageBody: SCHEDULED_BODY,
    MessageAttributes: {
      [SCHEDULED_ATTRIBUTES.path]: { DataType: 'String', StringValue: entry.url },
      [SCHEDULED_ATTRIBUTES.taskName]: { DataType: 'String', StringValue: entry.name },
      [SCHEDULED_ATTRIBUTES.scheduledTime]: { DataType: 'String', StringValue: scheduledAt.toISOString() },
    },
  }
}

/** Sends the periodic-task message for `entry`; resolves to its SQS MessageId. */
export async function sendScheduledTask(
  sqs: SQSClient,
  queueUrl: string,
  entry: Pick<CronEntry, 'name' | 'url'>,
  scheduledAt: Date,
): Promise<string | undefined> {
  const out = await sqs.send(new SendMessageCommand(scheduledTaskMessage(queueUrl, entry, scheduledAt)))
  return out.MessageId
}
