// The deployment files `fastify-aws init` writes, adapted to the app (its entry point, port, jobs module). The worker
// config and nginx timeouts are the ones this repository deploys its reference service with (.ebextensions/, .platform/).
/** What the templates need to know of the app. */
export interface AppFacts {
  /** package.json name. */
  name: string
  /** The built file that starts the app, relative to its root (e.g. dist/server.js). */
  entry: string
  /** The port the app listens on (EB's nginx proxies to PORT, 8080 by default). */
  port: number
  /** The built module registering the app's jobs, when known (for `fastify-aws sqsd`'s neighbour and the README). */
  jobsModule: string | undefined
}

/** InactivityTimeout the worker config sets; nginx's timeouts are written to match it. */
export const INACTIVITY_TIMEOUT = 900

/** The Procfile: EB starts the built app with plain node (no build step on the instance). */
export function procfile(app: AppFacts): string {
  return `web: node ${app.entry}\n`
}

/** .ebextensions/01-worker.config: the worker flag, the worker's variables and every sqsd option, commented. */
export function workerConfig(app: AppFacts): string {
  return WORKER_CONFIG.replace('# Elastic Beanstalk worker environment for the fastify-aws reference service.', `# Elastic Beanstalk worker environment for ${app.name} (written by fastify-aws init).`)
    .replace('    LOG_LEVEL: info\n', `    LOG_LEVEL: info\n    # The port EB's nginx proxies to; the app must listen on process.env.PORT.\n    PORT: "${app.port}"\n`)
}

/** .platform/nginx/conf.d/worker-timeouts.conf: nginx's timeouts raised to InactivityTimeout. */
export function nginxTimeouts(): string {
  return NGINX_TIMEOUTS
}

/** cron.yaml: no task yet, one commented example (EB accepts an empty list). */
export function cronYaml(): string {
  return [
    '# Periodic tasks for the EB worker environment (and `fastify-aws dev`).',
    '# Each entry on the worker path ("/") runs the job registered under `name`, with no arguments.',
    '# Schedules are standard 5-field cron expressions in UTC. `fastify-aws doctor` checks every name is a registered job.',
    'version: 1',
    'cron: []',
    '# cron:',
    '#   - name: "CleanupJob"',
    '#     url: "/"',
    '#     schedule: "0 3 * * *"',
    '',
  ].join('\n')
}

/** .ebextensions/01-web.config for a web environment: NODE_ENV, and where sessions and mail take their settings. */
export function webConfig(app: AppFacts, uses: { sessions: boolean; mail: boolean }): string {
  const lines = [
    `# Elastic Beanstalk web environment for ${app.name} (written by fastify-aws init --web).`,
    '# No aws:elasticbeanstalk:sqsd options here: that namespace exists only on worker environments.',
    'option_settings:',
    '  aws:elasticbeanstalk:application:environment:',
    '    NODE_ENV: production',
    `    PORT: "${app.port}"`,
  ]
  if (uses.sessions) {
    lines.push(
      '    # The session cookie signing secret: set it in the console or with `eb setenv`, never in a committed file.',
      '    # AWS_DYNAMO_DB_SESSION_SECRET_KEY: ""',
      '    # The sessions table (config/aws_dynamo_db_session_store.yml has every option).',
      '    # AWS_DYNAMO_DB_SESSION_TABLE_NAME: sessions',
    )
  }
  if (uses.mail) lines.push('    # The SES region and sender (config/mail.yml has every option).', '    # FASTIFY_AWS_MAIL_REGION: us-east-1')
  return `${lines.join('\n')}\n`
}

/** config/aws_dynamo_db_session_store.yml: the main session settings, commented (`fastify-aws sessions init` writes them all). */
export function sessionsYaml(): string {
  return [
    '# DynamoDB session store (fastify-aws/sessions). Precedence: code > AWS_DYNAMO_DB_SESSION_* ENV > this file > defaults.',
    '# `fastify-aws sessions init` lists every option; the signing secret belongs in ENV (AWS_DYNAMO_DB_SESSION_SECRET_KEY).',
    '# table_name: sessions',
    '# table_key: session_id',
    '',
  ].join('\n')
}

/** config/mail.yml: the default mailer's main settings, commented. */
export function mailYaml(): string {
  return [
    '# The default mailer (fastify-aws/mail). Precedence: code > FASTIFY_AWS_MAIL_* ENV > this file > defaults.',
    '# region: us-east-1',
    '# from: "App <no-reply@example.com>"',
    '# configuration_set_name: ""',
    '',
  ].join('\n')
}

/** A Dockerfile for the built app (the image the compose file and the Kubernetes manifest run twice). */
export function dockerfile(app: AppFacts): string {
  return [
    '# The built app, run by plain node. Build first (npm run build), then: docker build -t ' + dockerName(app) + ' .',
    'FROM node:22-alpine',
    'WORKDIR /app',
    'ENV NODE_ENV=production',
    'COPY package.json package-lock.json ./',
    'RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force',
    'COPY . .',
    'USER node',
    `ENV PORT=${app.port}`,
    `EXPOSE ${app.port}`,
    `CMD ["node", "${app.entry}"]`,
    '',
  ].join('\n')
}

/** .dockerignore: what never goes in the image. */
export function dockerignore(): string {
  return ['node_modules', '.git', '.env', '.env.*', '.npmrc', 'config/master.key', 'config/credentials/*.key', '*.zip', ''].join('\n')
}

function dockerName(app: AppFacts): string {
  return app.name.replace(/^@/, '').replace(/[^a-z0-9._-]+/gi, '-').toLowerCase() || 'app'
}

/**
 * compose.yaml: the app with its worker on, and `fastify-aws sqsd` in the app's network namespace, so its POSTs come
 * from 127.0.0.1 (the only address the worker trusts with docker_hosts set to none).
 */
export function composeFile(app: AppFacts): string {
  const image = dockerName(app)
  return [
    '# The worker tier off Elastic Beanstalk: the app, and fastify-aws sqsd beside it as EB\'s sqsd would be.',
    '# Set WORKER_QUEUE_URL (and AWS credentials/region) in .env or the environment: docker compose up',
    'services:',
    '  app:',
    '    build: .',
    `    image: ${image}`,
    '    environment:',
    '      AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: "true"',
    '      # sqsd shares this container\'s network: its POSTs come from 127.0.0.1, so trust no Docker gateway.',
    '      AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: none',
    '      AWS_REGION: ${AWS_REGION:-us-east-1}',
    `      PORT: "${app.port}"`,
    '  sqsd:',
    `    image: ${image}`,
    '    network_mode: "service:app"',
    '    depends_on: [app]',
    `    command: ["npx", "fastify-aws", "sqsd", "--queue-url", "\${WORKER_QUEUE_URL}", "--http-url", "http://127.0.0.1:${app.port}/", "--cron", "cron.yaml"]`,
    '    environment:',
    '      AWS_REGION: ${AWS_REGION:-us-east-1}',
    '',
  ].join('\n')
}

/**
 * k8s/worker.yaml: one pod with the app and `fastify-aws sqsd` as a sidecar (they share localhost). Cron tasks fire
 * from every replica's sqsd (there is no EB leader), hence one replica.
 */
export function kubernetesManifest(app: AppFacts): string {
  const name = dockerName(app)
  return [
    '# The worker tier on Kubernetes: the app and fastify-aws sqsd in one pod (shared localhost).',
    '# cron.yaml tasks fire from every replica\'s sqsd (there is no EB leader election): keep replicas at 1, or drop --cron.',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}-worker`,
    'spec:',
    '  replicas: 1',
    '  selector:',
    '    matchLabels:',
    `      app: ${name}-worker`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}-worker`,
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${name}:latest`,
    '          env:',
    '            - { name: AWS_PROCESS_BEANSTALK_WORKER_REQUESTS, value: "true" }',
    '            - { name: AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS, value: none }',
    `            - { name: PORT, value: "${app.port}" }`,
    `          ports: [{ containerPort: ${app.port} }]`,
    '        - name: sqsd',
    `          image: ${name}:latest`,
    `          command: ["npx", "fastify-aws", "sqsd", "--queue-url", "$(WORKER_QUEUE_URL)", "--http-url", "http://127.0.0.1:${app.port}/", "--cron", "cron.yaml"]`,
    '          env:',
    '            - name: WORKER_QUEUE_URL',
    '              valueFrom: { configMapKeyRef: { name: ' + name + '-worker, key: queue-url } }',
    '',
  ].join('\n')
}

const WORKER_CONFIG = '# Elastic Beanstalk worker environment for the fastify-aws reference service.\n# Applies to a *worker* environment (the aws:elasticbeanstalk:sqsd namespace does not exist on a web environment).\n# docs/deploy.md explains each value; change them together: InactivityTimeout, VisibilityTimeout and the nginx\n# timeouts in .platform/nginx/conf.d/ must stay in step.\noption_settings:\n  aws:elasticbeanstalk:application:environment:\n    # Serve sqsd POSTs. Only "true"/"1" enable it and "false"/"0" disable it; anything else stops start-up\n    # (unlike aws-sdk-rails 5.x, where the mere presence of the variable, even "false", enabled it).\n    AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: "true"\n    # Jobs that may run at once on one instance; the 11th concurrent POST gets 429. Keep it >= HttpConnections,\n    # or sqsd\'s own concurrency produces 429s, and each 429 counts as a receive towards MaxRetries.\n    AWS_PROCESS_BEANSTALK_WORKER_THREADS: "10"\n    # Sync mode (the default): 200 only after the job finished, so sqsd deletes only jobs that succeeded.\n    AWS_PROCESS_BEANSTALK_WORKER_JOBS_ASYNC: "false"\n    # Seconds running jobs get to finish when the instance is replaced or the app is redeployed (SIGTERM).\n    AWS_PROCESS_BEANSTALK_WORKER_SHUTDOWN_TIMEOUT: "60"\n    # config/<name>/production.yml is read when present.\n    NODE_ENV: production\n    # Lowest pino level of the service\'s own log (the SDK\'s level is config/aws.yml sdk_log_level).\n    LOG_LEVEL: info\n\n  aws:elasticbeanstalk:sqsd:\n    # WorkerQueueURL: leave unset to let EB create a queue (with a dead-letter queue), or set an existing\n    # standard queue\'s URL (a FIFO queue works too, but then cron.yaml periodic tasks are not supported).\n    # Path sqsd POSTs every message (and every cron.yaml task) to; must equal the worker\'s path option\n    # (AWS_PROCESS_BEANSTALK_WORKER_PATH, default "/").\n    HttpPath: /\n    # Content-Type sqsd sends. The worker reads the body as a JSON envelope whatever this says.\n    MimeType: application/json\n    # Concurrent POSTs from sqsd to the app on each instance (1-100). Not above AWS_PROCESS_BEANSTALK_WORKER_THREADS.\n    HttpConnections: 10\n    # Seconds sqsd waits to open a connection to the app (1-60).\n    ConnectTimeout: 5\n    # Seconds sqsd waits for the answer to one POST (1-36000): the longest a job may run. The nginx\n    # proxy_read_timeout/proxy_send_timeout in .platform/nginx/conf.d/ are raised to the same value, or nginx cuts\n    # the request at its default 60 s with a 504 and the job is retried while it may still be running.\n    InactivityTimeout: 900\n    # Seconds a received message stays invisible (0-43200). Longer than InactivityTimeout, so a message cannot\n    # reappear (and run twice) while its first POST is still being served.\n    VisibilityTimeout: 960\n    # Seconds before a failed message (any non-200 answer, 429 included) is received again (0-43200). A little\n    # delay spreads retries of a failing dependency instead of hammering it every 2 s (the EB default).\n    ErrorVisibilityTimeout: 30\n    # Seconds SQS keeps an unprocessed message (60-1209600): 4 days, the SQS default.\n    RetentionPeriod: 345600\n    # Receives before a message moves to the dead-letter queue (1-100). Every non-200 answer counts, including\n    # 429 "no capacity" and 500 "unknown job"; the dead-letter queue keeps what could not run for inspection.\n    MaxRetries: 10\n'

const NGINX_TIMEOUTS = "# Included in the http block of EB's nginx (Amazon Linux 2 and 2023 platforms).\n# aws-sqsd POSTs each job to nginx on port 80, which proxies it to the app; nginx's default 60 s read timeout would\n# answer 504 to sqsd while a long job is still running (sqsd then retries it: the job runs twice).\n# Keep these equal to InactivityTimeout in .ebextensions/01-worker.config.\nproxy_read_timeout 900s;\nproxy_send_timeout 900s;\n# SQS messages are up to 1 MiB; nginx's default body limit (1m) leaves no room for a maximum-size message.\nclient_max_body_size 2m;\n"
