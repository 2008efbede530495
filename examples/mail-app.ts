import Fastify from 'fastify'
import { fastifyAwsMail } from 'fastify-aws/mail'
import { useSqsQueue } from 'fastify-aws/queue'

const app = Fastify({ logger: true })
// SES region, endpoint and credentials from config/mail.yml, FASTIFY_AWS_MAIL_*, config/aws.yml or the SDK's
// chain (AWS_REGION, AWS_ENDPOINT_URL_SESV2, instance role).
await app.register(fastifyAwsMail, { from: 'Shop <noreply@example.com>' })
// deliverLater enqueues a job that a worker (sqsd, poller, Lambda) with the same mailer sends.
const queue = useSqsQueue({ logger: app.log })
app.addHook('onClose', () => queue.close())

app.post<{ Body: { email: string; name: string } }>('/signup', async (request) => {
  const { email, name } = request.body
  const { messageId } = await app.mailer.send({
    to: { name, address: email },
    subject: `Welcome, ${name}!`,
    text: `Hello ${name}, thanks for signing up.`,
    html: `<p>Thanks for signing up.</p>`,
  })
  return { messageId }
})
app.post<{ Body: { email: string } }>('/newsletter', async (request) => {
  const job = await app.mailer.deliverLater({ to: request.body.email, subject: 'You are subscribed', text: 'See you soon.' })
  return { jobId: job.jobId } // the request does not wait for SES
})

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '0.0.0.0' })
