import { Job } from 'fastify-aws/jobs'
import { useSqsQueue } from 'fastify-aws/queue'

class HelloJob extends Job {
  static override readonly jobName = 'HelloJob'
  async perform(name: string): Promise<void> {
    this.context.log.info(`Hello, ${name}!`)
  }
}

// Queue URLs from AWS_ACTIVE_JOB_SQS_<QUEUE>_URL or config/aws_active_job_sqs.yml; region, endpoint and
// credentials from config/aws.yml or the SDK's own chain (AWS_REGION, AWS_ENDPOINT_URL_SQS, instance role).
const queue = useSqsQueue() // performLater now sends to SQS

const job = await HelloJob.performLater('world') // resolves once SQS stored the message
console.log(`enqueued ${job.jobId} as message ${job.providerJobId}`)
await HelloJob.set({ wait: 60 }).performLater('in a minute') // DelaySeconds: 60

// Many at once, in SendMessageBatch calls: one result per job, in order, none dropped silently.
const results = await queue.enqueueAll(['Ada', 'Grace', 'Barbara'].map((name) => HelloJob.build(name)))
for (const r of results) {
  if (r.ok) console.log(`enqueued ${r.job.jobId} as message ${r.job.providerJobId}`)
  else console.error(`not enqueued: ${r.error.message}`)
}

await queue.flush() // waits for background sends (async mode)
await queue.close() // then refuses new jobs and releases the SQS client
