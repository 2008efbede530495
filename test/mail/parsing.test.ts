// Pure parts: addresses, X-SES-* header parsing, SES option merging, SES error classification.
import t from 'tap'
import { parseAddresses, parseMailbox } from '../../src/mail/addresses.js'
import { splitHeaders } from '../../src/mail/ses-headers.js'
import { resolveSesOptions } from '../../src/mail/send-options.js'
import { deliveryFailure } from '../../src/mail/delivery-error.js'

t.test('addresses: every accepted form, in order, groups flattened', async (t) => {
  t.same(parseAddresses('Ann <ann@example.com>, bob@example.com', 'to'), [
    { name: 'Ann', address: 'ann@example.com' },
    { name: '', address: 'bob@example.com' },
  ])
  t.same(parseAddresses(['"Doe, John" <john@example.com>', { name: 'Eve', address: 'eve@example.com' }], 'to'), [
    { name: 'Doe, John', address: 'john@example.com' },
    { name: 'Eve', address: 'eve@example.com' },
  ])
  t.same(parseAddresses('Team: a@example.com, b@example.com;', 'to').map((m) => m.address), ['a@example.com', 'b@example.com'])
  t.same(parseMailbox('x.y+tag@Sub.Example.COM', 'from'), { name: '', address: 'x.y+tag@sub.example.com' }, 'domain lower-cased')
  t.equal(parseMailbox('ann@bücher.de', 'from')?.address, 'ann@xn--bcher-kva.de')
  t.same(parseAddresses(undefined, 'cc'), [])
  t.equal(parseMailbox(undefined, 'sender'), undefined)
})

t.test('addresses: what is refused', async (t) => {
  for (const bad of ['a..b@example.com', '.a@example.com', 'a@-example.com', 'a@example.123', `${'x'.repeat(65)}@example.com`, 'a@exa_mple.com']) {
    t.throws(() => parseAddresses(bad, 'to'), { code: 'FASTIFY_AWS_MAIL_MESSAGE', message: /to is not a valid email address/ }, bad)
  }
  t.throws(() => parseAddresses([{ address: 'a@example.com', name: 'Ann\r\nBcc: x@example.com' }], 'to'), { message: /to\[0\]\.name must be a string without control characters/ })
  t.throws(() => parseAddresses([42 as never], 'to'), { message: /to\[0\] must be an address string or \{ name\?, address \}, got number 42/ })
})

t.test('headers: X-SES-* names are case-insensitive; list management with and without topic', async (t) => {
  const split = splitHeaders([
    { key: 'x-SeS-list-management-options', value: ' news ' },
    { key: 'Received', value: 'a' },
    { key: 'Received', value: 'b' },
  ])
  t.same(split.ses, { listManagement: { contactListName: 'news' } })
  t.same(split.mime, [
    { key: 'Received', value: 'a' },
    { key: 'Received', value: 'b' },
  ])
  t.same(splitHeaders({ 'X-SES-LIST-MANAGEMENT-OPTIONS': 'news; TOPIC = weekly' }).ses.listManagement, { contactListName: 'news', topicName: 'weekly' })
  t.same(splitHeaders({ 'X-Multi': ['1', '2'] }).mime, [
    { key: 'X-Multi', value: '1' },
    { key: 'X-Multi', value: '2' },
  ])
  t.throws(() => splitHeaders({ 'X-SES-MESSAGE-TAGS': 'a=1, a=2' }), { message: /names tag "a" twice/ })
  t.throws(() => splitHeaders({ 'X-SES-CONFIGURATION-SET': '  ' }), { message: /header X-SES-CONFIGURATION-SET is empty/ })
  t.throws(() => splitHeaders({ 'X-Number': 42 as never }), { message: /must have a string value, got number/ })
})

t.test('SES options: message > header > mailer default; tags merged by name', async (t) => {
  const resolved = resolveSesOptions(
    { tags: { c: '3' } },
    { configurationSet: 'header-set', tags: { b: 'header', c: 'header' } },
    { configurationSet: 'default-set', tags: { a: '1', b: '2' } },
  )
  t.same(resolved, { tags: { a: '1', b: 'header', c: '3' }, configurationSet: 'header-set' })
  t.throws(() => resolveSesOptions({ listManagement: { contactListName: '' } }, {}, {}), { message: /needs a non-empty contactListName/ })
})

t.test('SES failures: code, retryability and status from what the SDK threw', async (t) => {
  const service = (name: string, fault: 'client' | 'server', status: number) =>
    Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: status } })
  t.match(deliveryFailure('v2', service('MessageRejected', 'client', 400)), { sesCode: 'MessageRejected', retryable: false, httpStatusCode: 400 })
  t.match(deliveryFailure('v2', service('TooManyRequestsException', 'client', 429)), { sesCode: 'TooManyRequestsException', retryable: true })
  t.match(deliveryFailure('v1', service('Throttling', 'client', 400)), { sesCode: 'Throttling', retryable: true, message: /SES v1 SendRawEmail/ })
  t.match(deliveryFailure('v2', service('InternalFailure', 'server', 500)), { retryable: true })
  t.match(deliveryFailure('v2', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), { sesCode: 'ECONNRESET', retryable: true })
  t.match(deliveryFailure('v2', 'a string'), { sesCode: 'Error', message: /a string/ })
})
