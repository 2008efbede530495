// The SQS message EB's cron leader sends for one periodic task; the daemon turns it into a POST to the task's url.
import { SendMessageCommand, type SQSClient, type SendMessageCommandInput } from '@aws-sdk/client-sqs'
import type { CronEntry } from '../worker/cron-yaml.js'
import { SCHEDULED_ATTRIBUTES, SCHEDULED_BODY } from './headers.js'

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
