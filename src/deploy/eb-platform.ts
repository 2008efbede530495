// What Elastic Beanstalk itself fixes: sqsd option ranges and defaults, Node.js platform branches, the worker flag.
// (src/sqsd/options.ts states the same ranges for the daemon; a feature cannot import another, so deploy keeps EB's table.)
/** One aws:elasticbeanstalk:sqsd option's range and EB's default. */
export interface SqsdOptionRange { min: number; max: number; default: number }
/** aws:elasticbeanstalk:sqsd options with a numeric range. */
export const SQSD_RANGES: Readonly<Record<string, SqsdOptionRange>> = {
  HttpConnections: { min: 1, max: 100, default: 50 },
  ConnectTimeout: { min: 1, max: 60, default: 5 },
  InactivityTimeout: { min: 1, max: 36000, default: 299 },
  VisibilityTimeout: { min: 0, max: 43200, default: 300 },
  ErrorVisibilityTimeout: { min: 0, max: 43200, default: 2 },
  RetentionPeriod: { min: 60, max: 1209600, default: 345600 },
  MaxRetries: { min: 1, max: 100, default: 10 },
}
/** The option namespaces and the worker variables doctor reads. */
export const SQSD_NAMESPACE = 'aws:elasticbeanstalk:sqsd'
export const ENV_NAMESPACE = 'aws:elasticbeanstalk:application:environment'
export const WORKER_FLAG = 'AWS_PROCESS_BEANSTALK_WORKER_REQUESTS'
export const WORKER_THREADS = 'AWS_PROCESS_BEANSTALK_WORKER_THREADS'
export const WORKER_PATH = 'AWS_PROCESS_BEANSTALK_WORKER_PATH'
export const WORKER_ALLOWLIST = 'AWS_PROCESS_BEANSTALK_WORKER_JOB_CLASS_ALLOWLIST'
/**
 * The Node.js version each current EB platform branch runs ("Node.js 24/22/20 AL2023", platform 6.10.0, from EB's
 * Node.js platform history of 2026-03-31); update when AWS adds or retires a branch. An app's engines.node must
 * accept at least one of them.
 */
export const EB_NODE_VERSIONS: readonly string[] = ['24.14.1', '22.22.2', '20.20.1']
/** nginx's proxy_read_timeout and proxy_send_timeout when a config does not set them. */
export const NGINX_DEFAULT_TIMEOUT = 60
