// How an SDK message becomes the poller's ReceivedMessage and a job's DeliveryInfo.
import type { Message } from '@aws-sdk/client-sqs'
import t from 'tap'
import { deliveryOf, receivedMessage } from '../../src/poller/received.js'

t.test('message attributes: text values kept, binary ones left out, names like Object.prototype members kept as own keys', async (t) => {
  // JSON.parse makes "__proto__" an own key, as the SDK's parser does for an attribute of that name.
  const raw = JSON.parse(`{
    "MessageId": "m-1", "ReceiptHandle": "r-1", "Body": "{}",
    "Attributes": { "ApproximateReceiveCount": "2", "ApproximateFirstReceiveTimestamp": "1764450000000", "SenderId": "AIDA" },
    "MessageAttributes": {
      "__proto__": { "DataType": "String", "StringValue": "p" },
      "constructor": { "DataType": "String", "StringValue": "c" },
      "count": { "DataType": "Number", "StringValue": "7" },
      "blob": { "DataType": "Binary", "BinaryValue": "AAE=" }
    }
  }`) as Message
  const m = receivedMessage('default', 'http://q', raw)
  t.same(Object.keys(m.attributes).sort(), ['__proto__', 'constructor', 'count'])
  t.equal(Object.getOwnPropertyDescriptor(m.attributes, '__proto__')?.value, 'p')
  t.equal(Object.getPrototypeOf(m.attributes), Object.prototype, 'the attributes object keeps its prototype')
  t.equal(m.receiveCount, 2)
  t.same(deliveryOf(m), {
    transport: 'poller',
    messageId: 'm-1',
    queue: 'default',
    receiveCount: 2,
    attributes: m.attributes,
    firstReceivedAtMs: 1764450000000,
    firstReceivedAt: new Date(1764450000000).toISOString(),
    senderId: 'AIDA',
  })
})

t.test('a message without attributes gets an empty object and a receive count of 1', async (t) => {
  const m = receivedMessage('default', 'http://q', { MessageId: 'm-2', ReceiptHandle: 'r-2', Body: '{}' })
  t.same(m.attributes, {})
  t.equal(m.receiveCount, 1)
  t.equal(m.groupId, undefined)
})
